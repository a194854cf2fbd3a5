"""Build tiny but real argostranslate packages for the tests (no download, no torch).

A "marker" model is a genuine CTranslate2 Transformer with a SentencePiece vocabulary, wired so
that every sentence translates to one fixed marker such as `[nl>en]`: the decoder ignores the
source (its attention and feed-forward outputs are zero) and its embeddings and output projection
form a chain `<s> -> marker -> </s>`. That makes exact assertions possible: one marker per
sentence, `[en>ar]` after a pivot through English, and so on.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sentencepiece as spm
from ctranslate2.specs import TransformerSpec

from bot.demo.school import School
from bot.translation.manage import install_from_dir

BIG = 60.0
WORDS = (
    "de het een school klas ouder kind juf meester morgen vandaag turnzak rapport oudercontact "
    "feest brief boek speelplaats refter les uitstap vrijdag maandag zwemmen vraag dank hallo "
    "the class parent child teacher tomorrow today letter party question thanks"
).split()


def marker(source: str, target: str) -> str:
    """What every sentence becomes in the model source>target."""
    return f"[{source}>{target}]"


def _sentencepiece(
    folder: Path, symbol: str | list[str], filename: str = "sentencepiece.model"
) -> list[str]:
    """Train a small SentencePiece model; returns its vocabulary (id order)."""
    rng = random.Random(7)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(300)]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=80,
        hard_vocab_limit=False,
        user_defined_symbols=[symbol] if isinstance(symbol, str) else symbol,
        normalization_rule_name="identity",
        character_coverage=1.0,
        minloglevel=3,
    )
    (folder / filename).write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _spec(
    vocab: list[str],
    symbol: str,
    d_model: int,
    layers: int,
    chain: list[tuple[str, str]] | None = None,
) -> TransformerSpec:
    """A Transformer whose decoder says `symbol` and stops (or follows `chain`: after token a,
    token b; each link on its own dimension)."""
    spec = TransformerSpec.from_config(layers, 2 if d_model <= 64 else 8)
    D_MODEL, FFN = d_model, 4 * d_model
    rng = np.random.default_rng(0)
    size = len(vocab)

    def small(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    stacks = [("encoder", spec.encoder, layer) for layer in spec.encoder.layer]
    stacks += [("decoder", spec.decoder, layer) for layer in spec.decoder.layer]
    for name, norms, layer in stacks:
        norms.layer_norm.gamma, norms.layer_norm.beta = np.ones(D_MODEL, np.float32), zeros(D_MODEL)
        layer.self_attention.layer_norm.gamma = np.ones(D_MODEL, np.float32)
        layer.self_attention.layer_norm.beta = zeros(D_MODEL)
        layer.self_attention.linear[0].weight = small(3 * D_MODEL, D_MODEL)
        decoder = name == "decoder"
        layer.self_attention.linear[1].weight = (
            zeros(D_MODEL, D_MODEL) if decoder else small(D_MODEL, D_MODEL)
        )
        layer.ffn.layer_norm.gamma, layer.ffn.layer_norm.beta = (
            np.ones(D_MODEL, np.float32),
            zeros(D_MODEL),
        )
        layer.ffn.linear_0.weight = small(FFN, D_MODEL)
        layer.ffn.linear_1.weight = zeros(D_MODEL, FFN) if decoder else small(D_MODEL, FFN)
        if decoder:
            cross = layer.attention
            cross.layer_norm.gamma, cross.layer_norm.beta = (
                np.ones(D_MODEL, np.float32),
                zeros(D_MODEL),
            )
            cross.linear[0].weight = small(D_MODEL, D_MODEL)
            cross.linear[1].weight = small(2 * D_MODEL, D_MODEL)
            cross.linear[2].weight = zeros(D_MODEL, D_MODEL)
    spec.encoder.embeddings[0].weight = small(size, D_MODEL)
    embeddings, projection = zeros(size, D_MODEL), zeros(size, D_MODEL)
    links = chain or list(itertools.pairwise(["<s>", symbol, "</s>"]))
    for step, (here, after) in enumerate(links):
        embeddings[vocab.index(here), step] = BIG
        projection[vocab.index(after), step] = BIG
    spec.decoder.embeddings.weight = embeddings
    spec.decoder.projection.weight = projection
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=None)
    return spec


def build_marker_model(
    out_dir: Path, source: str, target: str, *, d_model: int = 32, layers: int = 1
) -> Path:
    """Write `translate-<source>_<target>.argosmodel` into out_dir and return its path.

    The defaults make a model of a few kilobytes for tests; `d_model=512, layers=6` has the size
    of a real Argos model's Transformer (for benchmarks).
    """
    name = f"translate-{source}_{target}"
    work = out_dir / f"build-{name}"
    folder = work / name
    shutil.rmtree(work, ignore_errors=True)
    folder.mkdir(parents=True)
    symbol = marker(source, target)
    vocab = _sentencepiece(folder, symbol)
    (folder / "model").mkdir()
    _spec(vocab, symbol, d_model, layers).save(str(folder / "model"))
    metadata = {
        "package_version": "0.1", "argos_version": "1.9.0", "type": "translate",
        "from_code": source, "from_name": source, "to_code": target, "to_name": target,
    }  # fmt: skip
    (folder / "metadata.json").write_text(json.dumps(metadata))
    archive = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, path.relative_to(work).as_posix())
    shutil.rmtree(work)
    return archive


def direct_marker(source: str, target: str) -> str:
    """What every sentence becomes in a tiny direct (Opus-MT-like) model."""
    return f"[opus-mt:{source}>{target}]"


def many_marker(target: str) -> str:
    """What every sentence becomes in the tiny many-to-many model, for that target."""
    return f"[nllb>{target}]"


TINY_NLLB = {
    "nl": "nld_Latn",
    "en": "eng_Latn",
    "so": "som_Latn",
    "ti": "tir_Ethi",
    "ps": "pbt_Arab",
}


def build_direct_model(
    out_dir: Path, source: str, target: str, *, licence: str = "apache-2.0"
) -> Path:
    """A folder laid out like `ct2-transformers-converter --model Helsinki-NLP/opus-mt-...
    --copy_files source.spm target.spm`, plus Ouderbrug's metadata.json; returns the folder."""
    name = f"opus-mt-{source}-{target}"
    folder = out_dir / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    symbol = direct_marker(source, target)
    vocab = _sentencepiece(folder, symbol, "source.spm")
    shutil.copy(folder / "source.spm", folder / "target.spm")
    _spec(vocab, symbol, 32, 1).save(str(folder))
    meta = {"kind": "direct", "name": name, "licence": licence, "sources": [source],
            "targets": [target]}  # fmt: skip
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


def build_many_model(out_dir: Path, *, name: str = "nllb-200-tiny") -> Path:
    """A folder laid out like an NLLB-200 CTranslate2 conversion (model.bin, config.json,
    shared_vocabulary.json, sentencepiece.bpe.model) for nl, en, so, ti and ps. The decoder
    ignores the source; the target prefix token chains to its own marker: `som_Latn` is followed
    by `[nllb>so]`, then `</s>`."""
    folder = out_dir / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    markers = [many_marker(lang) for lang in TINY_NLLB]
    pieces = _sentencepiece(folder, markers, "sentencepiece.bpe.model")
    vocab = pieces + list(TINY_NLLB.values())  # language tokens come after the pieces, as in NLLB
    chain = [(code, many_marker(lang)) for lang, code in TINY_NLLB.items()]
    chain += [(many_marker(lang), "</s>") for lang in TINY_NLLB]
    _spec(vocab, markers[0], 32, 1, chain=chain).save(str(folder))
    meta = {"kind": "many-to-many", "name": name, "licence": "cc-by-nc-4.0",
            "codes": TINY_NLLB, "languages": list(TINY_NLLB)}  # fmt: skip
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


@pytest.fixture(scope="session", name="ct2_folders")
def ct2_model_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two folders a school would copy over: a direct nl>tr model and a many-to-many model
    (each alone in its own USB folder, so each can be installed apart)."""
    root = tmp_path_factory.mktemp("ct2models")
    return {
        "direct": build_direct_model(root / "direct", "nl", "tr").parent,
        "many": build_many_model(root / "many").parent,
    }


def install_translation_models(school: School, model_files: Path) -> None:
    """The administrator installs the suite's translation models into a running school's bot."""
    services = school.app.bot_data
    install_from_dir(services.settings.models_data_dir, model_files)
    assert services.translator is not None
    services.translator.reload_models()
