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
import sentencepiece as spm
from ctranslate2.specs import TransformerSpec

BIG = 60.0
WORDS = (
    "de het een school klas ouder kind juf meester morgen vandaag turnzak rapport oudercontact "
    "feest brief boek speelplaats refter les uitstap vrijdag maandag zwemmen vraag dank hallo "
    "the class parent child teacher tomorrow today letter party question thanks"
).split()


def marker(source: str, target: str) -> str:
    """What every sentence becomes in the model source>target."""
    return f"[{source}>{target}]"


def _sentencepiece(folder: Path, symbol: str) -> list[str]:
    """Train a small SentencePiece model; returns its vocabulary (id order)."""
    rng = random.Random(7)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(300)]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=80,
        hard_vocab_limit=False,
        user_defined_symbols=[symbol],
        normalization_rule_name="identity",
        character_coverage=1.0,
        minloglevel=3,
    )
    (folder / "sentencepiece.model").write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _spec(vocab: list[str], symbol: str, d_model: int, layers: int) -> TransformerSpec:
    """A Transformer whose decoder says `symbol` and stops."""
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
    chain = [vocab.index("<s>"), vocab.index(symbol), vocab.index("</s>")]
    for step, (here, after) in enumerate(itertools.pairwise(chain)):
        embeddings[here, step] = BIG
        projection[after, step] = BIG
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
