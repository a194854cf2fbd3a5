"""A tiny REAL Piper voice, built here: an ONNX model with Piper's signature plus its config.

Piper 1.8 (piper/voice.py) feeds a voice `input` (int64 [1, N] phoneme ids), `input_lengths`
(int64 [1]) and `scales` (float32 [3]: noise, length, noise_w), plus `sid` only when the config
has several speakers, and reads float32 audio [1, 1, T] from the first output. This model sings
one short tone per phoneme id (its pitch from the id), so different texts make different audio;
the phonemes come from the espeak-ng data Piper ships, as with a real voice. The config has what
`PiperConfig.from_dict` reads and the `language` block a real voice's `.onnx.json` has.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RATE = 22050
TONE = 1102  # samples per phoneme id: 50 ms


def tiny_piper_model() -> onnx.ModelProto:
    """The graph: audio[0, 0, i*TONE + t] = 0.5 * length_scale * sin(2π (110 + 7 id_i) t / RATE)."""
    steps = (np.arange(TONE, dtype=np.float32) / RATE * 2 * np.pi).reshape(1, TONE)
    nodes = [
        helper.make_node("Cast", ["input"], ["ids"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ids", "seven"], ["scaled"]),
        helper.make_node("Add", ["scaled", "base"], ["pitch"]),
        helper.make_node("Reshape", ["pitch", "column"], ["pitches"]),
        helper.make_node("MatMul", ["pitches", "steps"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Gather", ["scales", "one"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["wave", "half"], ["soft"]),
        helper.make_node("Mul", ["soft", "length_scale"], ["loud"]),
        helper.make_node("Reshape", ["loud", "flat"], ["output"]),
    ]
    constants = [
        numpy_helper.from_array(np.array(7.0, np.float32), "seven"),
        numpy_helper.from_array(np.array(110.0, np.float32), "base"),
        numpy_helper.from_array(np.array([-1, 1], np.int64), "column"),
        numpy_helper.from_array(steps, "steps"),
        numpy_helper.from_array(np.array(1, np.int64), "one"),
        numpy_helper.from_array(np.array(0.5, np.float32), "half"),
        numpy_helper.from_array(np.array([1, 1, -1], np.int64), "flat"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_piper",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "time"])],
        constants,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def tiny_piper_config(language: str, espeak_voice: str, region: str) -> dict[str, object]:
    """A config as real voices have it, with Piper's default phoneme id map."""
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    return {
        "dataset": "tiny",
        "audio": {"sample_rate": RATE, "quality": "x_low"},
        "espeak": {"voice": espeak_voice},
        "language": {
            "code": f"{language}_{region}",
            "family": language,
            "region": region,
            "name_native": language,
            "name_english": language,
            "country_english": region,
        },
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        "num_symbols": max(i for ids in DEFAULT_PHONEME_ID_MAP.values() for i in ids) + 1,
        "num_speakers": 1,
        "speaker_id_map": {},
        "piper_version": "1.0.0",
    }


def write_tiny_voice(
    folder: Path,
    name: str = "nl_BE-tiny-x_low",
    *,
    language: str = "nl",
    espeak_voice: str = "nl",
    region: str = "BE",
    licence: str | None = "CC0-1.0",
) -> Path:
    """Write `<name>.onnx`, `<name>.onnx.json` (and a MODEL_CARD naming the licence) to a folder,
    laid out as Piper publishes a voice; returns the model's path."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    onnx.save(tiny_piper_model(), model)
    config = tiny_piper_config(language, espeak_voice, region)
    Path(f"{model}.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    if licence is not None:
        card = f"# Model card for tiny (x_low)\n\n* Language: {language}_{region}\n\n"
        card += f"## Dataset\n\n* URL: none\n* License: {licence}\n"
        (folder / "MODEL_CARD").write_text(card, encoding="utf-8")
    return model
