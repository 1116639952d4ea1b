"""Which pipelines and jobs each kind of push gets, with gitlab-ci-local's own rules engine.

gitlab-ci-local ignores ``workflow:rules`` when it runs a pipeline, so this evaluates them (and
every job's rules) directly with the function it uses for job rules, for each pipeline source.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT
from tests.pipeline.conftest import gitlab_ci_local, gitlab_ci_local_source

EVALUATE = """
const { Utils } = await import(process.argv[2]);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { rules, scenarios } = JSON.parse(input);
const out = {};
for (const [scenario, variables] of Object.entries(scenarios)) {
  out[scenario] = {};
  for (const [name, ruleSet] of Object.entries(rules)) {
    const options = {cwd: ".", rules: ruleSet, variables, argv: {evaluateRuleChanges: false}};
    out[scenario][name] = Utils.getRulesResult(options, {branches: {default: "main"}}).when;
  }
}
console.log(JSON.stringify(out));
"""

BRANCH = {"CI_PIPELINE_SOURCE": "push", "CI_DEFAULT_BRANCH": "main"}
SCENARIOS: dict[str, dict[str, str]] = {
    "push to main": {**BRANCH, "CI_COMMIT_BRANCH": "main"},
    "daily schedule": {**BRANCH, "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main"},
    "daily schedule, SMTP set": {
        **BRANCH, "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main",
        "SMTP_HOST": "smtp.example.com",
    },
    "push to a branch": {**BRANCH, "CI_COMMIT_BRANCH": "acme"},
    "push to a branch with a merge request": {
        **BRANCH, "CI_COMMIT_BRANCH": "acme", "CI_OPEN_MERGE_REQUESTS": "channel/partners!7",
    },
    "merge request": {
        "CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main",
        "CI_MERGE_REQUEST_IID": "7",
    },
    "merge request, Pages previews on": {
        "CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main",
        "CI_MERGE_REQUEST_IID": "7", "PAGES_PREVIEW": "true",
    },
    "tag": {**BRANCH, "CI_COMMIT_TAG": "v1.0.0"},
}


def _evaluate(tmp_path: Path) -> dict[str, dict[str, str]]:
    source = gitlab_ci_local_source(gitlab_ci_local())
    ci: dict[str, Any] = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    rules = {"workflow": ci["workflow"]["rules"]}
    rules.update(
        {name: job.get("rules", [{}]) for name, job in ci.items()
         if isinstance(job, dict) and "script" in job}
    )
    script = tmp_path / "evaluate.mjs"
    script.write_text(EVALUATE, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), (source / "utils.js").as_uri()],
        input=json.dumps({"rules": rules, "scenarios": SCENARIOS}),
        capture_output=True, text=True, check=True, timeout=60,
    )
    result: dict[str, dict[str, str]] = json.loads(done.stdout)
    return result


def _running(result: dict[str, str]) -> list[str]:
    if result["workflow"] == "never":
        return []
    return sorted(name for name, when in result.items() if name != "workflow" and when != "never")


def test_one_pipeline_per_push_and_the_jobs_each_gets(tmp_path: Path) -> None:
    found = {scenario: _running(result) for scenario, result in _evaluate(tmp_path).items()}
    assert found == {
        "push to main": ["pages", "validate-data"],
        "daily schedule": ["notices", "pages", "validate-data"],
        "daily schedule, SMTP set": ["notices", "pages", "send-notices", "validate-data"],
        "push to a branch": ["validate-data"],
        # The merge request pipeline runs instead of a second, branch pipeline.
        "push to a branch with a merge request": [],
        "merge request": ["badge-diff", "review-app", "stop-review-app", "validate-data"],
        "merge request, Pages previews on": ["badge-diff", "pages-preview", "validate-data"],
        "tag": [],
    }


def test_manual_and_always_jobs(tmp_path: Path) -> None:
    merge_request = _evaluate(tmp_path)["merge request"]
    assert merge_request["stop-review-app"] == "manual"
    assert merge_request["badge-diff"] == "always"
