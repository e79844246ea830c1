"""Write a large, made-up SSDA903 return (header.csv, episodes.csv, reviews.csv) for benchmarks and
tests: the DfE CSV layout, collection year 2024/25, deterministic for a given seed.

    python sample_data/ssda903/generate.py OUT_DIR [--children 84000] [--seed 903]

Not the small sample in this folder (that one is written by hand). Ids are numbers from 100000;
there are no names; postcodes are shaped like the shared sample's (letter, number, space, number,
two letters), as a real return carries them, and are not meant to be real ones. Shapes follow
the shared 903 sample: about two episodes and one review per child, a period of care already
running for about half, short breaks only for about one child in eight.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

YEAR_START = dt.date(2024, 4, 1)
YEAR_END = dt.date(2025, 3, 31)
HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN")
REVIEWS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
LEGAL = ("C1", "C2", "V2", "E1", "J1", "L1")
PLACES = ("U1", "U4", "U5", "U6", "K2", "P1", "R1", "S1", "A4", "A5")
ENDS = ("E4A", "E4B", "E13", "E41", "E45", "E5", "E8", "E11", "E17")


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def postcode(rng: random.Random) -> str:
    """Shaped like a postcode, as in the shared sample (A12 3BC); not meant to be a real one."""
    letters = "ABCDEFGHJKLMNOPRSTUWYZ"
    return f"{rng.choice(letters)}{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def generate(out: Path, children: int, seed: int = 903) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    counts = {"header": 0, "episodes": 0, "reviews": 0}
    with (out / "header.csv").open("w", newline="", encoding="utf-8") as hf, \
            (out / "episodes.csv").open("w", newline="", encoding="utf-8") as ef, \
            (out / "reviews.csv").open("w", newline="", encoding="utf-8") as rf:
        header, episodes, reviews = csv.writer(hf), csv.writer(ef), csv.writer(rf)
        header.writerow(HEADER)
        episodes.writerow(EPISODES)
        reviews.writerow(REVIEWS)
        for n in range(children):
            child = str(100000 + n)
            dob = YEAR_END - dt.timedelta(days=rng.randint(200, 17 * 365))
            header.writerow((child, rng.choice("12"), d(dob), "WBRI", "UN2", "", ""))
            counts["header"] += 1
            if rng.random() < 0.125:  # short breaks only: a few in-year stays, each its own episode
                day = max(dob + dt.timedelta(days=30), YEAR_START + dt.timedelta(days=rng.randint(0, 300)))
                for _ in range(rng.randint(1, 4)):
                    end = day + dt.timedelta(days=rng.randint(1, 16))
                    if end > YEAR_END:
                        break
                    episodes.writerow((child, d(day), "S", rng.choice(("V3", "V4")), "N2", "R1", "PR1", d(end),
                                       "E8", "", postcode(rng), postcode(rng), ""))
                    counts["episodes"] += 1
                    day = end + dt.timedelta(days=rng.randint(20, 60))
                continue
            # start of care: before the year for about half the children
            start = max(dob + dt.timedelta(days=30), YEAR_START - dt.timedelta(days=rng.randint(-330, 1500)))
            day, first, rne = start, True, "S"
            while True:
                end = day + dt.timedelta(days=rng.randint(20, 600))
                if end > YEAR_END:
                    end = None
                # the chain runs on into the year: a 903 return holds children looked after in it
                last = end is None or (end >= YEAR_START and rng.random() < 0.35)
                rec = "" if end is None else (rng.choice(ENDS) if last else "X1")
                if end is None or end >= YEAR_START:
                    row_rne = rne if not first or start >= YEAR_START else rng.choice("SPL")
                    episodes.writerow((child, d(day), row_rne, rng.choice(LEGAL), "N1", rng.choice(PLACES), "PR1",
                                       d(end) if end else "", rec, "", postcode(rng), postcode(rng),
                                       str(rng.randint(1000000, 9999999))))
                    counts["episodes"] += 1
                    first = False
                if end is None or last:
                    break
                day, rne = end, rng.choice("PTLB")
            review = start + dt.timedelta(days=rng.randint(14, 28))
            step = 90
            until = min(YEAR_END, end or YEAR_END)
            while review <= until:
                if review >= YEAR_START:
                    reviews.writerow((child, d(dob), d(review), f"PN{rng.randint(1, 7)}"))
                    counts["reviews"] += 1
                review += dt.timedelta(days=rng.randint(step - 20, step + 10))
                step = 182
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--children", type=int, default=84000)
    ap.add_argument("--seed", type=int, default=903)
    args = ap.parse_args(argv)
    counts = generate(args.out, args.children, args.seed)
    print(", ".join(f"{name}.csv: {n:,} rows" for name, n in counts.items()))


if __name__ == "__main__":
    main()
