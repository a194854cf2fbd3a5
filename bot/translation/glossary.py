"""School glossaries: `locales/glossary/<lang>.yaml` maps Dutch school words to the right term."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.datafiles import parse_yaml


@dataclass
class Glossaries:
    """Terms per target language, and a version that changes when any file changes."""

    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    version: str = "none"

    @classmethod
    def load(cls, folder: Path) -> Glossaries:
        """Read every `<lang>.yaml` (a missing folder means no glossary)."""
        terms: dict[str, dict[str, str]] = {}
        digest = hashlib.sha256()
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            raw = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + raw)
            data = parse_yaml(raw) or {}
            if not isinstance(data, dict):
                raise ValueError(f"{path}: a glossary is a mapping of Dutch term to translation")
            terms[path.stem] = {str(k): str(v) for k, v in data.items() if k and v}
        return cls(terms=terms, version=digest.hexdigest()[:16] if terms else "none")

    def for_language(self, lang: str) -> dict[str, str]:
        """Dutch term -> term in `lang` (empty if none)."""
        return self.terms.get(lang, {})
