"""Audio for Telegram: PCM -> OGG/Opus voice notes, and any audio -> 16 kHz mono for transcription.

Telegram's sendVoice wants an .OGG file encoded with OPUS (MP3 and M4A are accepted too, but only
OGG/Opus shows as a voice message on every client); its `duration` is in whole seconds. PyAV's
bundled FFmpeg (libopus) encodes and decodes; run these in worker threads only.
"""

from __future__ import annotations

import io
import math
import struct

import av
import numpy as np

OPUS_RATE = 48_000  # Opus always runs at 48 kHz; Telegram's own voice notes are 48 kHz mono
OPUS_BITRATE = 32_000  # speech: clear, ~4 KB per second
WHISPER_RATE = 16_000
BLOCK = 8192  # samples resampled and encoded per call


class AudioError(Exception):
    """Audio that cannot be read."""


def to_ogg_opus(pcm: np.ndarray, rate: int) -> tuple[bytes, int]:
    """Mono int16 PCM at `rate` -> (OGG/Opus bytes, duration in whole seconds, at least 1)."""
    samples = np.ascontiguousarray(pcm, dtype=np.int16).reshape(1, -1)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_RATE, layout="mono")
        stream.bit_rate = OPUS_BITRATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_RATE)
        for start in range(0, samples.shape[1], BLOCK):  # short calls: the GIL comes back often
            frame = av.AudioFrame.from_ndarray(
                samples[:, start : start + BLOCK], format="s16", layout="mono"
            )
            frame.sample_rate = rate
            for block in resampler.resample(frame):
                for packet in stream.encode(block):
                    container.mux(packet)
        for block in resampler.resample(None):
            for packet in stream.encode(block):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue(), duration_seconds(samples.shape[1], rate)


def duration_seconds(samples: int, rate: int) -> int:
    """Whole seconds, rounded up, at least 1 (what sendVoice's `duration` takes)."""
    return max(1, math.ceil(samples / rate)) if rate > 0 else 1


def ogg_duration(ogg: bytes) -> int:
    """The duration of OGG/Opus bytes from the last page's granule position (no decoding)."""
    last = ogg.rfind(b"OggS")
    head = ogg.find(b"OpusHead")
    if last < 0 or len(ogg) < last + 14:
        raise AudioError("not an OGG stream")
    granule = struct.unpack("<q", ogg[last + 6 : last + 14])[0]
    pre_skip = struct.unpack("<H", ogg[head + 10 : head + 12])[0] if head >= 0 else 0
    return duration_seconds(max(0, granule - pre_skip), OPUS_RATE)


def decode_audio(data: bytes, *, rate: int = WHISPER_RATE) -> np.ndarray:
    """Any audio file PyAV reads (a Telegram voice note: OGG/Opus) -> mono float32 at `rate`."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    parts: list[np.ndarray] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise AudioError("no audio stream")
            for frame in container.decode(audio=0):
                parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
            parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    except (av.error.FFmpegError, ValueError) as err:
        raise AudioError(f"cannot decode audio: {err}") from err
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
