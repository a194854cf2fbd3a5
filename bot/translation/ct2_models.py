"""CTranslate2 translation models a school installs beside argostranslate: what a folder holds.

Two kinds, each described by an Ouderbrug `metadata.json` written beside the converted model:

- `direct`: a Dutch->X (or X->Dutch) model such as an Opus-MT pair converted with
  `ct2-transformers-converter ... --copy_files source.spm target.spm` (model.bin, config.json,
  shared_vocabulary.json or source/target vocabularies, source.spm, target.spm). A multi-target
  Opus-MT model (opus-mt-en-cus ...) names its target tokens (`{"so": ">>som<<"}`), put in front
  of the source sentence.
- `many-to-many`: an NLLB-200 conversion (model.bin, config.json, shared_vocabulary.json,
  sentencepiece.bpe.model); `codes` maps our language codes to its tokens (`so` -> `som_Latn`):
  the source sentence starts with the source token, the target token is the target prefix.

    {"kind": "direct", "name": "opus-mt-nl-tr", "licence": "apache-2.0",
     "sources": ["nl"], "targets": ["tr"]}
    {"kind": "many-to-many", "name": "nllb-200-distilled-600M", "licence": "cc-by-nc-4.0",
     "codes": {"nl": "nld_Latn", "so": "som_Latn", "ti": "tir_Ethi", "ps": "pbt_Arab"}}
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from itertools import permutations, product
from pathlib import Path

log = logging.getLogger(__name__)
DIRECT, MANY = "direct", "many-to-many"
METADATA = "metadata.json"
# Licences a school may use without thinking twice; any other needs --accept-licence <licence>.
OPEN_LICENCES = frozenset(
    {"apache-2.0", "mit", "bsd-3-clause", "cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0"}
)
# NLLB-200's tokens for the languages Ouderbrug speaks (a metadata.json may name others).
NLLB_CODES = {
    "nl": "nld_Latn", "en": "eng_Latn", "fr": "fra_Latn", "ar": "arb_Arab", "tr": "tur_Latn",
    "pl": "pol_Latn", "ro": "ron_Latn", "bg": "bul_Cyrl", "es": "spa_Latn", "uk": "ukr_Cyrl",
    "ru": "rus_Cyrl", "fa": "pes_Arab", "so": "som_Latn", "ti": "tir_Ethi", "ps": "pbt_Arab",
}  # fmt: skip


class ModelFolderError(Exception):
    """A model folder that cannot be used, with the reason."""


@dataclass(frozen=True)
class Ct2Model:
    """One installed CTranslate2 model and the (source, target) pairs it translates."""

    kind: str
    name: str
    licence: str
    folder: Path
    pairs: frozenset[tuple[str, str]]
    codes: dict[str, str] = field(default_factory=dict)  # many-to-many: language -> token
    target_tokens: dict[str, str] = field(default_factory=dict)  # direct multi-target
    version: str = ""  # model.bin's size and time: another copy under the same name differs

    @property
    def needs_consent(self) -> bool:
        """Its licence is not one of the plainly open ones (NLLB: non-commercial)."""
        return self.licence.lower() not in OPEN_LICENCES


def _codes(value: object, name: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ModelFolderError(f"{name}: metadata.json needs a list of language codes")
    return [v.strip().lower() for v in value]


def _vocabulary(folder: Path) -> set[str] | None:
    """The target vocabulary's tokens (None when it cannot be read)."""
    for name in ("shared_vocabulary", "target_vocabulary"):
        path = folder / f"{name}.json"
        try:
            if path.is_file():
                return set(json.loads(path.read_text(encoding="utf-8")))
            if (text := folder / f"{name}.txt").is_file():
                return set(text.read_text(encoding="utf-8").splitlines())
        except (OSError, ValueError):
            return None
    return None


def _version(folder: Path) -> str:
    """A fingerprint of the weights, part of the translation cache key."""
    stat = (folder / "model.bin").stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def read_model(folder: Path) -> Ct2Model:
    """The model in a folder; ModelFolderError says what is missing or wrong."""
    label = folder.name
    try:
        meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelFolderError(f"{label}: no readable {METADATA} ({err})") from err
    if not isinstance(meta, dict):
        raise ModelFolderError(f"{label}: {METADATA} is not an object")
    kind, name = meta.get("kind"), str(meta.get("name") or "").strip()
    licence = str(meta.get("licence") or meta.get("license") or "").strip().lower()
    if kind not in (DIRECT, MANY):
        raise ModelFolderError(f"{label}: kind must be '{DIRECT}' or '{MANY}'")
    if not name or "/" in name or name.startswith("."):
        raise ModelFolderError(f"{label}: metadata.json needs a plain 'name'")
    if not licence:
        raise ModelFolderError(f"{name}: metadata.json must name the model's licence")
    needed = ["model.bin", "config.json"]
    needed += ["sentencepiece.bpe.model"] if kind == MANY else ["source.spm", "target.spm"]
    missing = [n for n in needed if not (folder / n).is_file()]
    vocabularies = ("shared_vocabulary.json", "shared_vocabulary.txt", "target_vocabulary.json",
                    "target_vocabulary.txt")  # fmt: skip
    if not any((folder / v).is_file() for v in vocabularies):
        missing.append("shared_vocabulary.json (or source/target vocabularies)")
    if missing:
        raise ModelFolderError(f"{name}: missing {', '.join(missing)}")
    if kind == MANY:
        raw = meta.get("codes") or {}
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise ModelFolderError(f"{name}: 'codes' maps language codes to the model's tokens")
        codes = {**NLLB_CODES, **{str(k).lower(): v for k, v in raw.items()}}
        languages = _codes(meta["languages"], name) if meta.get("languages") else list(codes)
        known = _vocabulary(folder)
        codes = {
            lang: codes[lang]
            for lang in languages
            if lang in codes and (known is None or codes[lang] in known)
        }
        pairs = frozenset(permutations(codes, 2))
        return Ct2Model(kind, name, licence, folder, pairs, codes=codes, version=_version(folder))
    sources = _codes(meta.get("sources") or meta.get("source"), name)
    targets = _codes(meta.get("targets") or meta.get("target"), name)
    tokens = meta.get("target_tokens") or {}
    if not isinstance(tokens, dict):
        raise ModelFolderError(f"{name}: 'target_tokens' maps languages to tokens like >>som<<")
    if len(targets) > 1 and set(targets) - set(tokens):
        raise ModelFolderError(f"{name}: several targets need a target token each (>>som<<)")
    pairs = frozenset((s, t) for s, t in product(sources, targets) if s != t)
    return Ct2Model(
        kind, name, licence, folder, pairs, target_tokens=dict(tokens), version=_version(folder)
    )


def scan(root: Path) -> list[Ct2Model]:
    """Every usable model under `root`; a broken folder is skipped and logged."""
    found: list[Ct2Model] = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            found.append(read_model(folder))
        except ModelFolderError as err:
            log.warning("skipping translation model %s: %s", folder.name, err)
    return found


def ct2_root(data_dir: Path) -> Path:
    """Where CTranslate2 models live, beside argostranslate's packages."""
    return data_dir.resolve() / "models" / "ct2"
