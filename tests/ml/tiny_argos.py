"""Build a real, tiny argos package offline (a 1-layer d=16 Transformer, random weights)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

D_MODEL = 16
FFN = 32
CORPUS = [
    "hello world",
    "good morning my friend",
    "the cat sits on the mat",
    "where is the train station",
    "thank you very much",
    "i would like a coffee please",
    "quick brown foxes jump over lazy dogs",
    "pack my box with five dozen liquor jugs",
    "we visited twelve beautiful villages yesterday",
] * 20


def _shape(name: str, vocab: int) -> tuple[int, ...]:
    if name.endswith(("gamma", "beta")):
        return (D_MODEL,)
    if "embeddings" in name or "projection" in name:
        return (vocab, D_MODEL)
    if "self_attention/linear_0" in name:
        return (3 * D_MODEL, D_MODEL)
    if "/attention/linear_1" in name:
        return (2 * D_MODEL, D_MODEL)
    if "ffn/linear_0" in name:
        return (FFN, D_MODEL)
    if "ffn/linear_1" in name:
        return (D_MODEL, FFN)
    return (D_MODEL, D_MODEL)


def _child(spec: Any, part: str) -> Any:
    if hasattr(spec, part):
        return getattr(spec, part)
    prefix, _, index = part.rpartition("_")  # "layer_0" names spec.layer[0]
    return getattr(spec, prefix)[int(index)]


def _set(spec: Any, path: list[str], value: np.ndarray) -> None:
    for part in path[:-1]:
        spec = _child(spec, part)
    setattr(spec, path[-1], value)


def build_package(workdir: Path, source: str = "en", target: str = "xx") -> Path:
    """Return the path of ``translate-<source>_<target>.argosmodel`` built in ``workdir``."""
    name = f"translate-{source}_{target}"
    root = workdir / name
    (root / "model").mkdir(parents=True)
    corpus = workdir / "corpus.txt"
    corpus.write_text("\n".join(CORPUS))
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(root / "sentencepiece"),
        vocab_size=64,
        normalization_rule_name="identity",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    pieces[:3] = ["<unk>", "<s>", "</s>"]

    spec = transformer_spec.TransformerSpec.from_config(1, 2)
    rng = np.random.default_rng(0)
    for name_, value in spec.variables().items():
        if value is None:
            shape = _shape(name_, len(pieces))
            if name_.endswith("gamma"):
                array = np.ones(shape, dtype=np.float32)
            elif name_.endswith("beta"):
                array = np.zeros(shape, dtype=np.float32)
            else:
                array = rng.normal(0, 0.1, shape).astype(np.float32)
            _set(spec, name_.split("/"), array)
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.save(str(root / "model"))

    metadata = {
        "package_version": "1.0",
        "argos_version": "1.11.0",
        "from_code": source,
        "from_name": "English",
        "to_code": target,
        "to_name": "Test language",
        "type": "translate",
        "languages": [],
    }
    (root / "metadata.json").write_text(json.dumps(metadata))
    archive = workdir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in root.rglob("*"):
            bundle.write(path, path.relative_to(workdir))
    return archive
