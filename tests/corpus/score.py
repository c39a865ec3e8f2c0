#!/usr/bin/env python3
"""Score the rule packs against the labelled corpus in tests/corpus/*.jsonl.

Each corpus line is a post with the categories a reviewer would flag (`labels`, [] when the
post is clean). Every post goes through `postguard check --batch`, the real CLI; a category
counts as predicted when any warning of that category comes back. Scores are per post, not
per span: a communications officer cares whether the post gets flagged for the right reason.

Prints one table per category (precision, recall, F1) and the micro average, and exits 1
when micro-F1 or any category's F1 falls below the thresholds, or when the corpus itself is
malformed. `--misses` lists every false positive and false negative for rule authors.

    python3 tests/corpus/score.py --postguard build/postguard [--misses] [--policy iet]
"""

import argparse
import json
import pathlib
import subprocess
import sys

CATEGORIES = ["confidentiality", "endorsement", "copyright", "minor-consent", "disclaimer",
              "privacy", "security", "conduct", "format"]
POLICIES = ["isoiec-committee", "iso-staff", "iet", "iom", "ico"]
PLATFORMS = ["twitter", "facebook", "linkedin"]
ROLES = ["personal", "official"]
KEYS = ["id", "policy", "platform", "role", "profile", "labels", "text", "why"]

HERE = pathlib.Path(__file__).resolve().parent
MIN_POSTS = 300
MIN_CLEAN_SHARE = 0.40


def load_corpus(files):
    """Returns (posts, problems); a problem is 'file:line: message'."""
    posts, problems, seen = [], [], set()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                post = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON: {error}")
                continue
            if not isinstance(post, dict) or list(post) != KEYS:
                problems.append(f"{where}: keys must be exactly {KEYS} in that order")
                continue
            if post["id"] in seen:
                problems.append(f"{where}: duplicate id {post['id']!r}")
            seen.add(post["id"])
            if post["policy"] not in POLICIES:
                problems.append(f"{where}: unknown policy {post['policy']!r}")
            if post["platform"] not in PLATFORMS:
                problems.append(f"{where}: unknown platform {post['platform']!r}")
            if post["role"] not in ROLES:
                problems.append(f"{where}: unknown role {post['role']!r}")
            if not isinstance(post["profile"], dict) or not isinstance(
                    post["profile"].get("bioDisclaimer"), bool):
                problems.append(f"{where}: profile must be {{\"bioDisclaimer\": true|false}}")
            labels = post["labels"]
            if not isinstance(labels, list) or any(l not in CATEGORIES for l in labels):
                problems.append(f"{where}: labels must be a list of {CATEGORIES}")
            elif len(set(labels)) != len(labels):
                problems.append(f"{where}: repeated label")
            if not isinstance(post["text"], str) or not post["text"].strip():
                problems.append(f"{where}: empty text")
            post["_where"] = where
            posts.append(post)
    return posts, problems


def run_checks(postguard, rules, posts):
    """Returns one set of warned categories (and the warnings) per post, via --batch."""
    request = "".join(
        json.dumps({"id": i, "text": p["text"], "policy": p["policy"], "platform": p["platform"],
                    "role": p["role"], "profile": p["profile"]}) + "\n"
        for i, p in enumerate(posts))
    command = [postguard, "check", "--batch", "-"]
    if rules:
        command += ["--rules", rules]
    result = subprocess.run(command, input=request.encode("utf-8"), capture_output=True,
                            check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"score.py: {' '.join(command)} exited {result.returncode}:\n"
                 f"{result.stderr.decode(errors='replace')}")
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    if len(answers) != len(posts):
        sys.exit(f"score.py: {len(posts)} posts sent, {len(answers)} answers")
    out = []
    for post, answer in zip(posts, answers):
        if "error" in answer:
            sys.exit(f"score.py: {post['_where']}: {answer['error']}")
        out.append(answer["warnings"])
    return out


def f1(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def score(posts, warnings):
    counts = {c: [0, 0, 0] for c in CATEGORIES}  # tp, fp, fn
    misses = []
    for post, found in zip(posts, warnings):
        expected = set(post["labels"])
        predicted = {w["category"] for w in found}
        for c in CATEGORIES:
            if c in expected and c in predicted:
                counts[c][0] += 1
            elif c in predicted:
                counts[c][1] += 1
                rules = sorted({w["rule"] for w in found if w["category"] == c})
                misses.append(("FP", c, post, rules))
            elif c in expected:
                counts[c][2] += 1
                misses.append(("FN", c, post, []))
    return counts, misses


def print_table(counts, posts):
    clean = sum(1 for p in posts if not p["labels"])
    print(f"Corpus: {len(posts)} posts, {clean} clean ({100 * clean / len(posts):.0f}%)")
    print(f"{'category':<16} {'posts':>5} {'TP':>4} {'FP':>4} {'FN':>4} "
          f"{'precision':>9} {'recall':>6} {'F1':>5}")
    totals = [0, 0, 0]
    for c in CATEGORIES:
        tp, fp, fn = counts[c]
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        p, r, f = f1(tp, fp, fn)
        print(f"{c:<16} {tp + fn:>5} {tp:>4} {fp:>4} {fn:>4} {p:>9.3f} {r:>6.3f} {f:>5.3f}")
    p, r, f = f1(*totals)
    print(f"{'micro':<16} {totals[0] + totals[2]:>5} {totals[0]:>4} {totals[1]:>4} "
          f"{totals[2]:>4} {p:>9.3f} {r:>6.3f} {f:>5.3f}")
    return f


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postguard", required=True, help="path to the postguard CLI")
    parser.add_argument("--rules", help="rules dir to load last (default: the CLI's own)")
    parser.add_argument("--policy", help="score only this policy's posts")
    parser.add_argument("--misses", action="store_true", help="list false positives/negatives")
    parser.add_argument("--min-micro-f1", type=float, default=0.90)
    parser.add_argument("--min-category-f1", type=float, default=0.80)
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    args = parser.parse_args()

    files = args.files or sorted(HERE.glob("*.jsonl"))
    posts, problems = load_corpus(files)
    if not args.files:
        clean = sum(1 for p in posts if not p["labels"])
        if len(posts) < MIN_POSTS:
            problems.append(f"corpus has {len(posts)} posts; it must keep at least {MIN_POSTS}")
        if posts and clean / len(posts) < MIN_CLEAN_SHARE:
            problems.append(f"only {clean} of {len(posts)} posts are clean; keep at least "
                            f"{MIN_CLEAN_SHARE:.0%}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if args.policy:
        posts = [p for p in posts if p["policy"] == args.policy]

    warnings = run_checks(args.postguard, args.rules, posts)
    counts, misses = score(posts, warnings)
    if args.misses:
        for kind, category, post, rules in misses:
            flags = f" by {', '.join(rules)}" if rules else ""
            print(f"{kind} {category}{flags}: {post['_where']} [{post['policy']} {post['role']} "
                  f"{post['platform']}{' bio' if post['profile']['bioDisclaimer'] else ''}] "
                  f"{post['text']!r}\n    why: {post['why']}")
        print()
    micro = print_table(counts, posts)

    failures = []
    if micro < args.min_micro_f1:
        failures.append(f"micro-F1 {micro:.3f} is below {args.min_micro_f1}")
    for c in CATEGORIES:
        if sum(counts[c]) and f1(*counts[c])[2] < args.min_category_f1:
            failures.append(f"{c} F1 {f1(*counts[c])[2]:.3f} is below {args.min_category_f1}")
    if failures and not args.policy:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
