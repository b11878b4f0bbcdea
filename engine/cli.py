"""`contra`: the command line, thin over the Python API.

User errors (bad path, bad option, unknown model, corrupt store) print one line and exit non-zero; never a
traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import textwrap
from pathlib import Path

from engine.config import DATA_DIR, Config
from engine.errors import EngineError

EXIT_USER_ERROR = 2

# sub-commands that belong to one module each; their options are documented by `contra CMD --help`
DELEGATED = {
    "train-nli": ("engine.nli.train", "train the bundled NLI cross-encoder (reproducible, seeded)"),
    "eval-nli": ("engine.nli.evaluate", "evaluate an NLI model on SICK, FEVER, news pairs; update the model card"),
    "export-nli": ("engine.nli.export_onnx", "export the NLI model to ONNX (fp32 + int8) for fast CPU inference"),
    "eval-attribution": ("engine.attribution_eval", "score claim attribution against PolNeAR annotations"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage dump
        self.exit(EXIT_USER_ERROR, f"contra: error: {message} (see `{self.prog} --help`)\n")


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def _int_at_least(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
    return value


def _date(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    return _int_at_least(text, 1)


def _non_negative_int(text: str) -> int:
    return _int_at_least(text, 0)


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    d = Config()
    g = p.add_argument_group("analysis options")
    g.add_argument("--out", "-o", type=Path, help="folder for the parquet tables and graph.graphml")
    g.add_argument("--threshold", type=_probability, default=d.nli_threshold,
                   help=f"contradiction score (0-1, both NLI directions combined) needed to report a pair "
                        f"(default {d.nli_threshold})")
    g.add_argument("--unrelated-threshold", type=_probability, default=d.nli_unrelated_threshold,
                   help=f"score needed instead when the two claims share no named entity and their cosine "
                        f"similarity is below {d.related_similarity} (default {d.nli_unrelated_threshold}; "
                        f"set it to the --threshold value to turn this off)")
    g.add_argument("--hedged-threshold", type=_probability, default=d.nli_hedged_threshold,
                   help=f"score needed instead when a claim hedges (may, could, if ...: a possibility, not a "
                        f"fact) (default {d.nli_hedged_threshold}; set it to the --threshold value to turn this off)")
    g.add_argument("--top-k", type=_positive_int, default=d.top_k,
                   help=f"nearest neighbours per claim considered as candidates (default {d.top_k})")
    g.add_argument("--min-similarity", type=_probability, default=d.min_similarity,
                   help=f"minimum cosine similarity for a neighbour to be scored (default {d.min_similarity})")
    g.add_argument("--negative-neighbours", type=_non_negative_int, default=d.negative_neighbours,
                   help=f"a claim that denies or negates is also paired with up to this many neighbours at least "
                        f"{d.related_similarity} similar (default {d.negative_neighbours}; 0 = off)")
    g.add_argument("--no-entity-blocking", action="store_true",
                   help="do not also score pairs of claims that share a named entity")
    g.add_argument("--nli-model", help="NLI cross-encoder: Hugging Face name or local folder (default: the shipped "
                                       "models/nli-minilm)")
    g.add_argument("--nli-backend", choices=["auto", "onnx", "torch"], default=d.nli_backend,
                   help="inference runtime for the NLI model (default auto: ONNX when available)")
    g.add_argument("--nli-fast", choices=["auto", "bf16", "int8", "fp32"], default=d.nli_fast,
                   help="the fast pass that screens every candidate pair (default auto: bf16 on CPUs with AMX, "
                        "else int8 ONNX, else fp32); reported scores always come from fp32")
    g.add_argument("--nli-bf16-runtime", choices=["auto", "openvino", "torch"], default=d.nli_bf16_runtime,
                   help="what runs a bf16 fast pass (default auto: OpenVINO when installed, else torch)")
    g.add_argument("--embedding-model", help="sentence-transformers model name or folder (default: bundled "
                                             "all-MiniLM-L6-v2)")
    g.add_argument("--embedding-precision", choices=["auto", "bf16", "fp32"], default=d.embedding_precision,
                   help="embedding precision (default auto: bf16 on CPUs with AMX, else fp32)")
    g.add_argument("--aliases", help="extra alias table (CSV: alias,actor,parent,kind) to merge or rename actors")
    g.add_argument("--since", type=_date, help="only claims published on or after this date (YYYY-MM-DD; "
                   "undated claims are left out, and the summary says how many)")
    g.add_argument("--until", type=_date, help="only claims published on or before this date (YYYY-MM-DD)")
    g.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="run embedding and NLI locally or as Ray tasks (needs the `ray` extra)")
    g.add_argument("--threads", type=_positive_int, help="CPU threads for the models (default: all cores)")
    g.add_argument("--strict", action="store_true", help="fail (exit 1) if any document is skipped")
    g.add_argument("--show", type=_non_negative_int, default=10, metavar="N", help="contradictions to print (default 10)")
    g.add_argument("--no-progress", action="store_true", help="no progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="contra",
        description="Find claims in news articles, who made them, and which claims contradict each other.",
        epilog="Examples:\n  contra demo\n  contra analyze articles/ --out results/\n"
               "  contra analyze --store story.db new_articles/\n  contra export --store story.db --out results/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from engine import __version__

    parser.add_argument("--version", action="version", version=f"contra {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("analyze", help="analyse articles: files, folders (txt, html, csv, jsonl, parquet)",
                       description="Analyse articles and print the contradictions found, in ranking order.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of articles")
    p.add_argument("--store", type=Path, help="persistent store folder: only new articles are processed")
    _add_analysis_options(p)

    p = sub.add_parser("demo", help="analyse the bundled seed article and print the result",
                       description="Analyse the bundled demo corpus (data/seed).")
    _add_analysis_options(p)

    p = sub.add_parser("export", help="write GraphML and parquet for a whole store",
                       description="Export a persistent store's graph and tables.")
    p.add_argument("--store", type=Path, required=True, help="store folder made by `contra analyze --store`")
    p.add_argument("--out", "-o", type=Path, required=True, help="output folder")

    for name, (_, help_text) in DELEGATED.items():
        p = sub.add_parser(name, help=help_text, add_help=False)
        p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _config_from(args) -> Config:
    return Config().replace(
        nli_threshold=args.threshold, nli_unrelated_threshold=args.unrelated_threshold,
        nli_hedged_threshold=args.hedged_threshold, top_k=args.top_k,
        min_similarity=args.min_similarity, negative_neighbours=args.negative_neighbours,
        entity_blocking=not args.no_entity_blocking, nli_model=args.nli_model, nli_backend=args.nli_backend,
        nli_fast=args.nli_fast, nli_bf16_runtime=args.nli_bf16_runtime,
        embedding_model=args.embedding_model, embedding_precision=args.embedding_precision,
        aliases_path=args.aliases, backend=args.backend,
        threads=args.threads, strict=args.strict, show_progress=not args.no_progress,
    )


#: how a pair's NLI view is named in the printed table (the full view needs no note)
_VIEW_NOTES = {"core": ", on the denial's core", "affirmed": ", both read without their negation"}


def format_contradictions(analysis, limit: int = 10) -> str:
    import polars as pl

    from engine.contradictions import voiced

    rows = analysis.contradictions.head(limit)
    if rows.height == 0:
        return f"No contradictions at or above threshold {analysis.config.nli_threshold:.2f}."
    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 140))
    lines = [f"Top {rows.height} contradiction(s) of {analysis.contradictions.height}:"]
    ids = set(rows["claim_a"].to_list()) | set(rows["claim_b"].to_list())
    sides = {r["claim_id"]: r for r in analysis.claims.filter(pl.col("claim_id").is_in(ids))
             .select("claim_id", "cue", "stance").iter_rows(named=True)}
    for i, r in enumerate(rows.iter_rows(named=True)):
        back = "not scored" if r["contradiction_ba"] is None else f"{r['contradiction_ba']:.2f}"
        core = _VIEW_NOTES.get(r.get("view"), "")
        ranked = (f", rank {r['rank_score']:.2f}" if r.get("rank_score") is not None
                  and r["rank_score"] > r["score"] + 1e-9 else "")
        lines.append(f"{i + 1:>2}. score {r['score']:.2f}{ranked} ({r['kind']}; {r['contradiction_ab']:.2f} a→b, "
                     f"{back} b→a{core})")
        for side in ("a", "b"):
            who = voiced(r[f"speaker_{side}"], sides.get(r[f"claim_{side}"]))
            if r[f"actor_{side}"] and r[f"actor_{side}"] != (r[f"speaker_{side}"] or "?"):
                who += f" [{r[f'actor_{side}']}]"
            content = r[f"content_{side}"] or ""
            text = f"{who}: {content if len(content) <= 300 else content[:299] + '…'}"
            lines.append(textwrap.fill(text, width=width, initial_indent=f"    {side}) ", subsequent_indent="       "))
    return "\n".join(lines)


def _output_folder(out) -> None:
    """Create the --out folder now and check it can be written: a bad path fails before the analysis, not after."""
    if not out:
        return
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise EngineError(f"cannot write results to {out}: it is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EngineError(f"cannot write results to {out}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise EngineError(f"cannot write results to {out}: permission denied")


def _run_analysis(args, sources) -> int:
    import engine

    config = _config_from(args)
    _output_folder(args.out)
    store = engine.Store(args.store) if getattr(args, "store", None) else None
    if store is not None:
        analysis = store.add(sources, config=config)
    else:
        analysis = engine.analyze(sources, config=config)
    if args.since or args.until:
        analysis = analysis.filter(since=args.since, until=args.until)
    print(format_contradictions(analysis, args.show))
    # with a store, the totals are the store's; this run's own count and skips come first
    if store is not None:
        print(store.run_summary())
    print(("store: " if store is not None else "") + analysis.summary())
    skips = store.last_skipped if store is not None else analysis.skipped
    for row in skips.iter_rows(named=True):
        print(f"  skipped {row['origin']}: {row['reason']}" + (f" ({row['detail']})" if row["detail"] else ""))
    for note in store.last_notes if store is not None else analysis.notes:
        print(f"  {note}")
    if analysis.documents.height == 0 and not analysis.view:
        print("no article was analysed: nothing readable in the input" + (" (see the skips above)" if skips.height else ""))
    if args.out:
        from engine.export import write_all

        written = write_all(analysis, args.out)
        print(f"wrote {len(written)} files to {args.out}/ (graph.graphml, disagreements.graphml, *.parquet)")
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] in DELEGATED:
        module = importlib.import_module(DELEGATED[argv[0]][0])
        try:
            return int(module.main(argv[1:]) or 0)
        except EngineError as exc:
            print(f"contra {argv[0]}: error: {exc}", file=sys.stderr)
            return EXIT_USER_ERROR
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        if args.command == "analyze":
            missing = [p for p in args.paths if not os.path.exists(p)]
            if missing:
                raise EngineError(f"no such file or directory: {missing[0]}")
            return _run_analysis(args, args.paths)
        if args.command == "demo":
            # the article itself: the folder's README (its attribution) would be listed as an ignored file
            return _run_analysis(args, [str(p) for p in sorted((DATA_DIR / "seed").glob("*.txt"))])
        if args.command == "export":
            import engine

            if not args.store.exists():
                raise EngineError(f"no store at {args.store}")
            analysis = engine.Store(args.store).analysis()  # a missing or broken store fails before --out is made
            _output_folder(args.out)
            from engine.export import write_all

            written = write_all(analysis, args.out)
            print(f"wrote {len(written)} files to {args.out}/")
            return 0
    except EngineError as exc:
        print(f"contra {args.command}: error: {exc}", file=sys.stderr)
        return 1 if exc.__class__.__name__ == "StrictModeError" else EXIT_USER_ERROR
    except OSError as exc:  # e.g. an output folder that cannot be written
        print(f"contra {args.command}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("contra: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
