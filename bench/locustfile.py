"""Locust users for bench/bench_http.py: a mix of what the platform serves at peak, over real HTTP.

Run through bench_http.py, which builds the database, starts the server and writes the configuration this file
reads (YIWANG_LOCUST_CONFIG: tokens, the application body with its uploaded material keys, case numbers and
licences to look up). Every request is named by its route so the figures group per page.

Weights (out of 16): a submission 2, the reviewer's inbox 2, a case's detail 4, catalog search 4, a public
licence check 4: reads dominate, as on the portal.
"""

import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, between, task

CONFIG = json.loads(Path(os.environ["YIWANG_LOCUST_CONFIG"]).read_text("utf-8"))
QUERIES = [
    "开饭店要办哪些证",
    "身份证过期了怎么换",
    "开公司",
    "小孩上户口",
    "公积金买房提取",
    "开网吧",
    "卖烟",
    "失业了",
]


class Citizen(HttpUser):
    """An applicant's system, a reviewer's workbench and the public, each user a mix; short think times."""

    wait_time = between(0.05, 0.3)

    def on_start(self):
        self.applicant = {"Authorization": f"Bearer {CONFIG['applicant_token']}"}
        self.reviewer = {"Authorization": f"Bearer {CONFIG['reviewer_token']}"}
        self.numbers = list(CONFIG["case_numbers"])

    @task(2)
    def submit(self):
        with self.client.post(
            "/api/v1/cases",
            data=CONFIG["application"],
            headers={**self.applicant, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
            name="POST /api/v1/cases",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
            else:
                self.numbers.append(answer.json()["number"])

    @task(2)
    def inbox(self):
        self.client.get("/api/v1/tasks", headers=self.reviewer, name="GET /api/v1/tasks (reviewer inbox)")

    @task(4)
    def case_detail(self):
        number = random.choice(self.numbers)
        self.client.get(f"/api/v1/cases/{number}", headers=self.applicant, name="GET /api/v1/cases/{number}")

    @task(4)
    def search(self):
        self.client.get("/api/v1/search", params={"q": random.choice(QUERIES)}, name="GET /api/v1/search")

    @task(4)
    def verify(self):
        number, digest = random.choice(CONFIG["licences"])
        self.client.get(f"/licences/verify/{number}/?d={digest}", name="GET /licences/verify/{number}/")
