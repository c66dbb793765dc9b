"""Twenty reviewers (then twenty heads) press the same button at once: one wins, nineteen get a clean 409, the case stays whole."""

import json
import subprocess
import sys

from .conftest import ROOT, needs_postgres

pytestmark = needs_postgres


def test_twenty_concurrent_answers_and_decisions_one_wins(demo_database):
    _url, env = demo_database
    ran = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "reliability" / "race.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])

    assert sorted(result["completed"]) == ["Conflict"] * 19 + ["ok"]
    assert result["urban_task"] == "agreed"
    assert result["log"].count("task_agree") == 2  # the urban task once, then the lead's

    assert result["decided"].count("ok") == 1
    losers = [o for o in result["decided"] if o != "ok"]
    assert losers == ["Conflict"] * 19, losers  # "already decided", not "reviews unfinished"
    assert result["status"] == "granted"
    assert result["log"].count("grant") == 1
    assert result["tasks"] == [["assisting", "agreed"], ["decision", "done"], ["lead", "agreed"]]

    # submit, accept, start_review, 2 answers, the reviewer's proposal, the head's grant: each wrote one
    # timeline row and one audit entry.
    assert result["log"] == ["submit", "accept", "start_review", "task_agree", "task_agree", "propose", "grant"]
    assert result["audit_for_case"] == len(result["log"])
    assert result["audit_verify"][0], result["audit_verify"][1]
    assert result["cases_with_key"] == 1
