"""Build a tiny but real faster-whisper model for the tests (no download, no torch).

The folder has the layout of a real `Systran/faster-whisper-*` conversion: a CTranslate2
`WhisperSpec` (model.bin, config.json, vocabulary.json), a `tokenizer.json` built with the
`tokenizers` package holding Whisper's special tokens at Whisper's positions, and
preprocessor_config.json. The weights are tiny; the decoder is wired like the marker models of
tests/helpers/argos_model.py so that every audio "transcribes" to the same words (default
`merhaba dünya`): `<|notimestamps|>` -> word -> word -> `<|endoftext|>`. The path is real.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

import av
import numpy as np
from ctranslate2.specs import WhisperSpec
from faster_whisper.tokenizer import _LANGUAGE_CODES
from tokenizers import Tokenizer, decoders, models, pre_tokenizers

BIG = 60.0
TEXT_TOKENS = 50257  # as in the real multilingual vocabulary
VOCAB_SIZE = 51865  # as the real multilingual vocabulary (tiny .. large-v2)
D_MODEL, HEADS, N_MELS = 16, 2, 80
WORDS = "merhaba dünya".split()
LANGUAGES = ["en", *(code for code in _LANGUAGE_CODES if code != "en")]  # Whisper puts en first


def _vocabulary(words: list[str]) -> list[str]:
    text = ["<unk>", *words] + [f"w{i}" for i in range(TEXT_TOKENS - 1 - len(words))]
    specials = ["<|endoftext|>", "<|startoftranscript|>"]
    specials += [f"<|{code}|>" for code in LANGUAGES]
    specials += ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>"]
    specials += ["<|nocaptions|>", "<|notimestamps|>"]
    vocab = text + specials
    vocab += ["<|%.2f|>" % (i * 0.02) for i in range(VOCAB_SIZE - len(vocab))]
    return vocab


def _tokenizer(vocab: list[str], folder: Path) -> None:
    ids = {token: i for i, token in enumerate(vocab)}
    tokenizer = Tokenizer(models.WordLevel(vocab=ids, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    tokenizer.add_special_tokens([t for t in vocab[TEXT_TOKENS:] if t.startswith("<|")])
    tokenizer.save(str(folder / "tokenizer.json"))


def _spec(vocab: list[str], words: list[str]) -> WhisperSpec:
    spec = WhisperSpec(1, HEADS, 1, HEADS)
    rng = np.random.default_rng(0)

    def small(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    def norm(spec_norm: object) -> None:
        spec_norm.gamma, spec_norm.beta = np.ones(D_MODEL, np.float32), zeros(D_MODEL)  # type: ignore[attr-defined]

    enc = spec.encoder
    enc.conv1.weight, enc.conv1.bias = small(D_MODEL, N_MELS, 3), zeros(D_MODEL)
    enc.conv2.weight, enc.conv2.bias = small(D_MODEL, D_MODEL, 3), zeros(D_MODEL)
    enc.position_encodings.encodings = small(1500, D_MODEL)
    norm(enc.layer_norm)
    dec = spec.decoder
    norm(dec.layer_norm)
    dec.position_encodings.encodings = zeros(448, D_MODEL)
    for layer, decoder in [(enc.layer[0], False), (dec.layer[0], True)]:
        norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = small(3 * D_MODEL, D_MODEL)
        layer.self_attention.linear[0].bias = zeros(3 * D_MODEL)
        layer.self_attention.linear[1].weight = zeros(D_MODEL, D_MODEL)
        layer.self_attention.linear[1].bias = zeros(D_MODEL)
        norm(layer.ffn.layer_norm)
        layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = small(64, D_MODEL), zeros(64)
        layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = zeros(D_MODEL, 64), zeros(D_MODEL)
        if decoder:
            cross = layer.attention
            norm(cross.layer_norm)
            cross.linear[0].weight, cross.linear[0].bias = small(D_MODEL, D_MODEL), zeros(D_MODEL)
            cross.linear[1].weight = small(2 * D_MODEL, D_MODEL)
            cross.linear[1].bias = zeros(2 * D_MODEL)
            cross.linear[2].weight, cross.linear[2].bias = zeros(D_MODEL, D_MODEL), zeros(D_MODEL)
    embeddings, projection = zeros(len(vocab), D_MODEL), zeros(len(vocab), D_MODEL)
    links = list(itertools.pairwise(["<|notimestamps|>", *words, "<|endoftext|>"]))
    for step, (here, after) in enumerate(links):
        embeddings[vocab.index(here), step] = BIG
        projection[vocab.index(after), step] = BIG
    dec.embeddings.weight = embeddings
    dec.projection.weight = projection
    spec.register_vocabulary(vocab)
    spec.config.suppress_ids = []
    spec.config.suppress_ids_begin = [vocab.index("<|endoftext|>")]
    spec.config.lang_ids = [vocab.index(f"<|{c}|>") for c in LANGUAGES]
    spec.config.alignment_heads = [(0, h) for h in range(HEADS)]
    spec.validate()
    spec.optimize(quantization=None)
    return spec


def build_whisper_model(folder: Path, *, words: str = " ".join(WORDS)) -> Path:
    """Write a tiny faster-whisper model folder (as Systran/faster-whisper-* has) and return it."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    chain = words.split()
    vocab = _vocabulary(chain)
    _spec(vocab, chain).save(str(folder))
    _tokenizer(vocab, folder)
    preprocessor = {"feature_size": N_MELS, "sampling_rate": 16000, "hop_length": 160,
                    "chunk_length": 30, "n_fft": 400}  # fmt: skip
    (folder / "preprocessor_config.json").write_text(json.dumps(preprocessor))
    return folder


def real_voice(seconds: int = 2) -> bytes:
    """OGG/Opus noise, encoded with PyAV as a phone would send a voice note."""
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48000, layout="mono")
        samples = 48000 * seconds
        noise = np.random.default_rng(3).standard_normal((1, samples)) * 0.1
        frame = av.AudioFrame.from_ndarray(noise.astype(np.float32), format="flt", layout="mono")
        frame.sample_rate = 48000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return out.getvalue()
