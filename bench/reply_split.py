"""Reply splitting benchmark: ours against the quote-stripping libraries, side by side on one corpus.

The corpus is tests/threads/splitting/reply_corpus (every case as text and as HTML) plus the older
tests/threads/splitting/corpus/replies samples. For each way of splitting it prints the exact pass rate
(visible text equal to the expected one, compared line by line without quote marks and blank
lines), the cases where words of the customer were hidden, agreement of the text and HTML variants,
pass rates per client and per language, and the time per message (p50/p99).

    .venv/bin/python bench/reply_split.py            # libraries that are not installed are skipped
    .venv/bin/pip install mail-parser-reply email-reply-parser talon   # to compare with them

Libraries see the HTML variant as text (html_to_text) unless they read HTML themselves (talon).
"before" is this project's splitter before the one pipeline, read from git (commit PREVIOUS).
Targets for ours: 0 hidden, >= 95% exact, text and HTML agree everywhere, p99 < 2 ms.
"""

import argparse
import statistics
import subprocess
import sys
import time
import types
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[0] = str(PROJECT_ROOT)

from tests.threads.splitting.reply_corpus import cases, normal  # noqa: E402
from threads.splitting import html_to_text, split_html, split_text  # noqa: E402

LEGACY = PROJECT_ROOT / "tests" / "threads" / "splitting" / "corpus" / "replies"
PREVIOUS = "223c2bf"  # main before the splitting pipeline: its text and HTML splitters, compared side by side


@dataclass(frozen=True)
class Sample:
    id: str
    client: str
    lang: str
    kind: str  # "text" or "html"
    body: str
    expected: str


def samples() -> list[Sample]:
    found = []
    for case in cases():
        found.append(Sample(case.id, case.client, case.lang, "text", case.text, case.expected))
        found.append(Sample(case.id, case.client, case.lang, "html", case.html, case.expected))
    for path in sorted(LEGACY.glob("*.txt")) + sorted(LEGACY.glob("*.html")):
        expected = path.with_name(path.name + ".expected").read_text(encoding="utf-8")
        kind = "html" if path.suffix == ".html" else "text"
        lang = path.stem.rsplit("_", 1)[-1] if path.stem.rsplit("_", 1)[-1] in ("pl", "en") else "en"
        found.append(Sample(path.name, "legacy", lang, kind, path.read_text(encoding="utf-8"), expected))
    return found


def ours(sample: Sample) -> str:
    return split_html(sample.body)[3] if sample.kind == "html" else split_text(sample.body)[0]


def _as_text(sample: Sample) -> str:
    return html_to_text(sample.body) if sample.kind == "html" else sample.body


def previous() -> Callable[[Sample], str] | None:
    """The splitter as it was before one pipeline (mailsync/reply_strip.py at PREVIOUS), read from git."""
    try:
        source = subprocess.run(
            ["git", "show", f"{PREVIOUS}:mailsync/reply_strip.py"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        print(f"previous splitter: commit {PREVIOUS} not in this clone, skipped")
        return None
    module = types.ModuleType("previous_reply_strip")
    exec(compile(source, "previous_reply_strip.py", "exec"), module.__dict__)  # our own history, not input

    def split(sample: Sample) -> str:
        if sample.kind == "html":
            return html_to_text(module.split_reply_html(sample.body)[0])
        return module.split_reply(sample.body)[0]

    return split


def methods() -> dict[str, Callable[[Sample], str]]:
    found: dict[str, Callable[[Sample], str]] = {"ours": ours}
    before = previous()
    if before:
        found[f"before ({PREVIOUS})"] = before
    try:
        from email_reply_parser import EmailReplyParser as Zapier

        found["email-reply-parser"] = lambda sample: Zapier.parse_reply(_as_text(sample))
    except ImportError:
        print("email-reply-parser: not installed, skipped")
    try:
        from mailparser_reply import EmailReplyParser
        from mailparser_reply.constants import MAIL_LANGUAGES

        parser = EmailReplyParser(languages=[language for language in MAIL_LANGUAGES if language != "david"])
        found["mail-parser-reply"] = lambda sample: _first_reply(parser, _as_text(sample))
    except ImportError:
        print("mail-parser-reply: not installed, skipped")
    try:
        import talon
        from talon import quotations
        from talon.signature.bruteforce import extract_signature

        talon.init()

        def with_talon(sample: Sample) -> str:
            if sample.kind == "html":
                text = html_to_text(quotations.extract_from_html(sample.body))
            else:
                text = quotations.extract_from_plain(sample.body)
            return extract_signature(text)[0]

        found["talon"] = with_talon
    except ImportError:
        print("talon: not installed, skipped")
    return found


def _first_reply(parser, text: str) -> str:
    replies = parser.read(text=text).replies
    return replies[0].body if replies else text


@dataclass
class Result:
    exact: int = 0
    hidden: int = 0
    total: int = 0


def hides_customer_text(visible: str, expected: str) -> bool:
    shown = set(normal(visible).splitlines())
    return any(line not in shown for line in normal(expected).splitlines())


def run(name: str, split: Callable[[Sample], str], corpus: list[Sample], rounds: int) -> dict:
    overall, by_client, by_lang = Result(), defaultdict(Result), defaultdict(Result)
    timings: list[float] = []
    outputs: dict[tuple[str, str], str] = {}
    hidden_ids, failed_ids = [], []
    for sample in corpus:
        visible = ""
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                visible = split(sample) or ""
            except Exception as exc:  # a library failing on a case counts as a failed case
                visible = f"<{type(exc).__name__}>"
            best = min(best, time.perf_counter() - started)
        timings.append(best)
        outputs[(sample.id, sample.kind)] = normal(visible)
        exact = normal(visible) == normal(sample.expected)
        hidden = hides_customer_text(visible, sample.expected)
        for result in (overall, by_client[sample.client], by_lang[sample.lang]):
            result.total += 1
            result.exact += exact
            result.hidden += hidden
        if hidden:
            hidden_ids.append(f"{sample.id}/{sample.kind}")
        elif not exact:
            failed_ids.append(f"{sample.id}/{sample.kind}")
    pairs = {sample.id for sample in corpus if sample.client != "legacy"}
    disagree = [case_id for case_id in sorted(pairs) if outputs[(case_id, "text")] != outputs[(case_id, "html")]]
    timings.sort()
    return {
        "name": name,
        "overall": overall,
        "by_client": by_client,
        "by_lang": by_lang,
        "p50": statistics.median(timings) * 1000,
        "p99": timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000,
        "disagree": disagree,
        "pairs": len(pairs),
        "hidden_ids": hidden_ids,
        "failed_ids": failed_ids,
    }


def _rate(result: Result) -> str:
    return f"{result.exact}/{result.total}"


def report(results: list[dict], verbose: bool) -> None:
    names = [result["name"] for result in results]
    width = max(len(name) for name in names) + 2
    print()
    print("method".ljust(width) + "exact        %     hidden  text/HTML disagree   p50 ms   p99 ms")
    for result in results:
        overall = result["overall"]
        print(
            result["name"].ljust(width)
            + f"{_rate(overall):<10} {100 * overall.exact / overall.total:5.1f}%  {overall.hidden:6}"
            + f"  {len(result['disagree']):4} of {result['pairs']:<10} {result['p50']:7.3f}  {result['p99']:7.3f}"
        )
    for title, key in (("client", "by_client"), ("language", "by_lang")):
        print()
        print(title.ljust(18) + "".join(name.rjust(22) for name in names))
        for group in sorted(results[0][key]):
            row = group.ljust(18)
            for result in results:
                found = result[key][group]
                row += f"{_rate(found)} ({found.hidden} hidden)".rjust(22)
            print(row)
    for result in results:
        if verbose or result["name"] == "ours":
            print(f"\n{result['name']}: hidden {result['hidden_ids'] or 'none'}")
            print(f"{result['name']}: not exact {result['failed_ids'] or 'none'}")
            print(f"{result['name']}: text/HTML disagree {result['disagree'] or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timing: best of N runs per message")
    parser.add_argument("--verbose", action="store_true", help="list failing cases of every method")
    args = parser.parse_args()
    corpus = samples()
    clients = {sample.client for sample in corpus}
    languages = {sample.lang for sample in corpus}
    print(
        f"{len(corpus)} messages ({len(corpus) // 2} cases as text and HTML), {len(clients)} clients, {len(languages)} languages"
    )
    results = [run(name, split, corpus, args.rounds) for name, split in methods().items()]
    report(results, args.verbose)


if __name__ == "__main__":
    main()
