"""Where things live: database, models, evidence, datasets. Environment first, then defaults.

| setting      | environment variable      | default                     |
|--------------|---------------------------|-----------------------------|
| database URL | ``ECHALLAN_DB``           | ``sqlite:///var/echallan.db`` |
| model dir    | ``ECHALLAN_MODEL_DIR``    | ``models``                  |
| evidence dir | ``ECHALLAN_EVIDENCE_DIR`` | ``var/evidence``            |
| datasets dir | ``ECHALLAN_DATASETS``     | ``../shared/datasets``      |
| derived dir  | ``ECHALLAN_DERIVED_DIR``  | ``var/models``              |

The derived dir holds models that ``make setup`` remakes from the model dir's (never committed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    db_url: str
    model_dir: Path
    evidence_dir: Path
    datasets_dir: Path
    derived_dir: Path = Path("var/models")

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            db_url=env.get("ECHALLAN_DB", "sqlite:///var/echallan.db"),
            model_dir=Path(env.get("ECHALLAN_MODEL_DIR", "models")),
            evidence_dir=Path(env.get("ECHALLAN_EVIDENCE_DIR", "var/evidence")),
            datasets_dir=Path(env.get("ECHALLAN_DATASETS", "../shared/datasets")),
            derived_dir=Path(env.get("ECHALLAN_DERIVED_DIR", "var/models")),
        )

    def with_overrides(
        self, db_url: str | None = None, model_dir: Path | None = None, evidence_dir: Path | None = None
    ) -> Settings:
        return replace(
            self,
            db_url=db_url or self.db_url,
            model_dir=model_dir or self.model_dir,
            evidence_dir=evidence_dir or self.evidence_dir,
        )


#: The repository's own ``models/`` folder, where the project's trained weights are committed.
PROJECT_MODELS = Path(__file__).resolve().parents[1] / "models"


def project_model(name: str) -> Path:
    """``$ECHALLAN_MODEL_DIR/<name>`` when it exists (an override), else ``models/<name>`` in the repo."""
    configured = Settings.from_env().model_dir / name
    return configured if configured.exists() else PROJECT_MODELS / name
