"""deploy/monitoring against a real `bentoml serve`: every series the dashboard queries exists.

The Grafana dashboard's PromQL (panel targets and template-variable queries) is parsed into
selectors; a real server answers good and bad requests to /predict and /predict_proba; its
/metrics is scraped; and each selector must name a series the scrape has (a histogram only as
its `_bucket`/`_count`/`_sum` series), filter on labels it carries (or that Prometheus adds) and
match at least one sample. Counters and histograms are read through rate(), gauges never are,
and histogram_quantile() reads a histogram's `_bucket` series.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.support.http import post, request

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
DASHBOARD = MONITORING / "grafana-dashboard.json"
SCRAPE_CONFIG = MONITORING / "prometheus.yml"

# The families the issue asks for: request rate, errors, latency, in-flight, batch size.
REQUIRED_FAMILIES = {
    "bentoml_service_request_total",
    "bentoml_service_request_duration_seconds",
    "bentoml_service_request_in_progress",
    "bentoml_service_adaptive_batch_size",
}

# ---------------------------------------------------------------------------------------------
# A small PromQL reader: enough to find every selector, its matchers and enclosing functions.

TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
    | (?P<range>\[[^\]]*\])
    | (?P<variable>\$\{[^}]*\}|\$\w+)
    | (?P<duration>\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*(?![\w.]))
    | (?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<name>[A-Za-z_:][A-Za-z0-9_:]*)
    | (?P<matchop>=~|!~|!=)
    | (?P<op>==|<=|>=|[-+*/%^<>=,(){}@])
    """,
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATORS = {
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
    "bottomk", "topk", "quantile", "limitk", "limit_ratio",
}  # fmt: skip
RATES = {"rate", "irate", "increase"}
# Labels Prometheus itself puts on every scraped series.
PROMETHEUS_LABELS = {"job", "instance"}


@dataclass(frozen=True)
class Selector:
    name: str
    matchers: tuple[tuple[str, str, str], ...]  # (label, operator, value)
    functions: tuple[str, ...]  # enclosing calls, outermost first


def tokens(expr: str) -> list[tuple[str, str]]:
    found, at = [], 0
    while at < len(expr):
        match = TOKEN.match(expr, at)
        if match is None:
            raise ValueError(f"cannot read PromQL at {expr[at:]!r} in {expr!r}")
        kind = match.lastgroup or ""
        if kind not in {"space", "comment"}:
            found.append((kind, match.group()))
        at = match.end()
    return found


def unquote(literal: str) -> str:
    if literal.startswith('"'):
        return str(json.loads(literal))
    return literal[1:-1]


def read_promql(expr: str) -> tuple[list[Selector], set[str]]:
    """The selectors of an expression, and the labels its by/without/on/... clauses name."""
    toks = tokens(expr)
    selectors: list[Selector] = []
    grouping: set[str] = set()
    calls: list[str] = []  # "" for a plain parenthesis
    pending = ""
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        after = toks[i + 1][1] if i + 1 < len(toks) else ""
        if kind == "name" and text in GROUPING:
            i += 1
            if after == "(":
                i += 1
                while toks[i][1] != ")":
                    if toks[i][0] == "name":
                        grouping.add(toks[i][1])
                    i += 1
                i += 1
            continue
        if kind == "name" and text.lower() not in KEYWORDS and after == "(":
            pending = text  # a function call or an aggregation
            i += 1
            continue
        if kind == "name" and text in AGGREGATORS and after in {"by", "without"}:
            pending = text
            i += 1
            continue
        if kind == "name" and text.lower() in KEYWORDS:
            i += 1
            continue
        if kind == "name" or text == "{":
            name = text if kind == "name" else ""
            i += 1 if kind == "name" else 0
            matchers: list[tuple[str, str, str]] = []
            if i < len(toks) and toks[i][1] == "{":
                i += 1
                while toks[i][1] != "}":
                    if toks[i][1] == ",":
                        i += 1
                        continue
                    (label_kind, label), (_, operator), (value_kind, value) = toks[i : i + 3]
                    if label_kind != "name" or operator not in {"=", "!=", "=~", "!~"}:
                        raise ValueError(f"bad label matcher at {label!r} in {expr!r}")
                    if value_kind != "string":
                        raise ValueError(f"label {label} is not matched to a string in {expr!r}")
                    matchers.append((label, operator, unquote(value)))
                    i += 3
                i += 1
            by_name = [v for label, op, v in matchers if label == "__name__" and op == "="]
            name = name or (by_name[0] if by_name else "")
            if not name:
                raise ValueError(f"a selector without a metric name in {expr!r}")
            rest = tuple(m for m in matchers if m[0] != "__name__")
            selectors.append(Selector(name, rest, tuple(c for c in calls if c)))
            continue
        if text == "(":
            calls.append(pending)
            pending = ""
        elif text == ")":
            calls.pop()
        i += 1
    if calls:
        raise ValueError(f"unbalanced parentheses in {expr!r}")
    return selectors, grouping


LABEL_VALUES = re.compile(
    r"^\s*label_values\(\s*(?:(?P<selector>.+?)\s*,\s*)?(?P<label>\w+)\s*\)\s*$"
)
QUERY_RESULT = re.compile(r"^\s*query_result\((?P<expr>.+)\)\s*$", re.DOTALL)


# ---------------------------------------------------------------------------------------------
# The dashboard and the scrape config.


def dashboard_queries(dashboard: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(where, PromQL, label) for every panel target and every query variable."""
    found: list[tuple[str, str, str | None]] = []

    def walk(panels: list[dict[str, Any]]) -> None:
        for panel in panels:
            walk(panel.get("panels", []))  # panels inside a collapsed row
            found.extend(
                (f"panel {panel.get('title')!r} target {t.get('refId')}", t["expr"], None)
                for t in panel.get("targets", [])
                if "expr" in t
            )

    walk(dashboard["panels"])
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        query = var["query"]
        query = query.get("query", "") if isinstance(query, dict) else query
        where = f"variable ${var['name']}"
        if match := LABEL_VALUES.match(query):
            found.append((where, match["selector"] or "", match["label"]))
        elif match := QUERY_RESULT.match(query):
            found.append((where, match["expr"], None))
        else:
            raise ValueError(f"{where}: unsupported variable query {query!r}")
    return found


def labels_prometheus_adds(config: dict[str, Any]) -> set[str]:
    added = set(PROMETHEUS_LABELS)
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            added |= set(static.get("labels", {}))
        for rule in job.get("relabel_configs", []):
            if "target_label" in rule and not rule["target_label"].startswith("__"):
                added.add(rule["target_label"])
    return added


def commented_kubernetes_job() -> dict[str, Any]:
    """The commented kubernetes_sd example of prometheus.yml, uncommented and parsed."""
    lines = SCRAPE_CONFIG.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  # - job_name:"))
    block = [re.sub(r"^  # ?", "", line) for line in lines[start:] if line.startswith("  #")]
    (job,) = yaml.safe_load("\n".join(block))
    return dict(job)


# ---------------------------------------------------------------------------------------------
# The scrape.


@dataclass
class Scrape:
    kinds: dict[str, str]  # sample (series) name -> family type
    families: set[str]
    samples: list[tuple[str, dict[str, str]]]

    def labels_of(self, name: str) -> set[str]:
        return {label for sample, labels in self.samples if sample == name for label in labels}


def parse_scrape(text: str) -> Scrape:
    scrape = Scrape({}, set(), [])
    for family in text_string_to_metric_families(text):
        scrape.families.add(family.name + ("_total" if family.type == "counter" else ""))
        for sample in family.samples:
            scrape.kinds[sample.name] = family.type
            scrape.samples.append((sample.name, dict(sample.labels)))
    return scrape


def matches(selector: Selector, labels: dict[str, str], ignored: set[str]) -> bool:
    for label, operator, value in selector.matchers:
        if label in ignored or "$" in value:
            continue  # set by Prometheus, or a Grafana variable
        have = labels.get(label, "")
        hit = have == value if operator in {"=", "!="} else re.fullmatch(value, have) is not None
        if hit != (operator in {"=", "=~"}):
            return False
    return True


def problems(dashboard: dict[str, Any], config: dict[str, Any], scrape: Scrape) -> list[str]:
    """What in the dashboard would query a series, a label or a value that is not exported."""
    added = labels_prometheus_adds(config)
    found: list[str] = []
    for where, expr, variable_label in dashboard_queries(dashboard):
        selectors, grouping = read_promql(expr) if expr else ([], set())
        labels_here = set(added)
        for selector in selectors:
            name = selector.name
            kind = scrape.kinds.get(name)
            if kind is None:
                found.append(f"{where}: {name} is not exported")
                continue
            exported = scrape.labels_of(name)
            labels_here |= exported
            unknown = {m[0] for m in selector.matchers} - exported - added
            if unknown:
                found.append(f"{where}: {name} has no label(s) {sorted(unknown)}")
            if not any(
                matches(selector, labels, added) for n, labels in scrape.samples if n == name
            ):
                found.append(f"{where}: no {name} sample matches {selector.matchers}")
            if "histogram_quantile" in selector.functions and not (
                kind == "histogram" and name.endswith("_bucket")
            ):
                found.append(f"{where}: histogram_quantile over {name}, not a histogram _bucket")
            in_rate = bool(RATES & set(selector.functions))
            if kind == "gauge" and in_rate:
                found.append(f"{where}: rate() over the gauge {name}")
            if (
                kind in {"counter", "histogram", "summary"}
                and not in_rate
                and variable_label is None
            ):
                found.append(f"{where}: the {kind} series {name} is read without rate()")
        for label in grouping | ({variable_label} if variable_label else set()):
            if label not in labels_here:
                found.append(f"{where}: groups or lists by {label!r}, which no series carries")
    return found


# ---------------------------------------------------------------------------------------------
# The tests.


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    return dict(json.loads(DASHBOARD.read_text()))


@pytest.fixture(scope="module")
def scrape_config() -> dict[str, Any]:
    return dict(yaml.safe_load(SCRAPE_CONFIG.read_text()))


@pytest.fixture(scope="module")
def scraped(packaged: tuple[Path, dict[str, str]], server: str) -> Scrape:
    """/metrics of the session's real server after good, bad and concurrent (batched) requests."""
    project, _ = packaged
    frame = pd.read_parquet(project / "data" / "processed" / "test.parquet")
    records = json.loads(frame.drop(columns=["target"]).head(10).to_json(orient="records"))
    for route in ("/predict", "/predict_proba"):
        assert post(f"{server}{route}", {"records": records})[0] == 200
        assert post(f"{server}{route}", {"records": []})[0] == 400
        assert post(f"{server}{route}", {"records": [{"colour": "red"}]})[0] == 400
        assert request(f"{server}{route}", b"{}", kind="text/plain")[0] == 415
        with ThreadPoolExecutor(max_workers=8) as pool:
            singles = [{"records": [record]} for record in records[:8]]
            answers = list(pool.map(post, [f"{server}{route}"] * 8, singles))
        assert [status for status, _ in answers] == [200] * 8
    assert post(f"{server}/metadata", {})[0] == 200
    status, text = request(f"{server}/metrics")
    assert status == 200
    return parse_scrape(text)


def test_the_promql_reader_finds_every_selector() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, endpoint) (rate(a_bucket{x=~"2..", y!="}"}'
        "[$__rate_interval] offset 5m))) / on (job) group_left (pod) "
        'sum(b_total{z="1"}) without (w) + {__name__="c", k="v"} * 1e-9 > bool inf'
        ' - count_values("v", d) + e[5m:1m] + topk(3, f)'
    )
    selectors, grouping = read_promql(expr)
    assert [s.name for s in selectors] == ["a_bucket", "b_total", "c", "d", "e", "f"]
    assert selectors[0].functions == ("histogram_quantile", "sum", "rate")
    assert selectors[0].matchers == (("x", "=~", "2.."), ("y", "!=", "}"))
    assert selectors[1].functions == ("sum",)
    assert selectors[2].matchers == (("k", "=", "v"),)
    assert grouping == {"le", "endpoint", "job", "pod", "w"}


def test_dashboard_is_valid_and_every_panel_queries_prometheus(dashboard: dict[str, Any]) -> None:
    assert dashboard["title"]
    assert dashboard["uid"]
    assert 36 <= dashboard["schemaVersion"] <= 41
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    panels = [p for p in dashboard["panels"] if p.get("type") != "row"]
    assert len(panels) >= 5
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in panels:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], f"panel {panel['title']!r} has no target"
        assert len({t["refId"] for t in panel["targets"]}) == len(panel["targets"])
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]
            assert target.get("expr", "").strip(), f"panel {panel['title']!r} target has no expr"
            read_promql(target["expr"])  # parses
        position = panel["gridPos"]
        assert position["x"] + position["w"] <= 24
    names = {s.name for _, expr, _ in dashboard_queries(dashboard) for s in read_promql(expr)[0]}
    stripped = {re.sub(r"_(bucket|count|sum)$", "", n) for n in names}
    assert stripped >= REQUIRED_FAMILIES, REQUIRED_FAMILIES - stripped


def test_scrape_config_scrapes_the_metrics_path(scrape_config: dict[str, Any]) -> None:
    (local,) = scrape_config["scrape_configs"]
    assert local["metrics_path"] == "/metrics"
    assert local["static_configs"][0]["targets"] == ["127.0.0.1:3000"]  # `make serve`

    cluster = commented_kubernetes_job()
    assert cluster["metrics_path"] == "/metrics"
    (discovery,) = cluster["kubernetes_sd_configs"]
    overlays = ROOT / "deploy" / "k8s" / "overlays"
    namespaces = {
        yaml.safe_load(path.read_text())["namespace"]
        for path in overlays.glob("*/kustomization.yaml")
    }
    assert set(discovery["namespaces"]["names"]) == namespaces
    service = yaml.safe_load((ROOT / "deploy" / "k8s" / "base" / "service.yaml").read_text())
    (port,) = service["spec"]["ports"]
    keep = cluster["relabel_configs"][0]
    assert keep["action"] == "keep"
    assert keep["regex"] == f"{service['metadata']['name']};{port['name']}"


def test_every_series_the_dashboard_queries_is_exported(
    dashboard: dict[str, Any], scrape_config: dict[str, Any], scraped: Scrape
) -> None:
    assert scraped.families >= REQUIRED_FAMILIES
    assert problems(dashboard, scrape_config, scraped) == []


def test_the_check_catches_a_metric_that_is_not_exported(
    dashboard: dict[str, Any], scrape_config: dict[str, Any], scraped: Scrape
) -> None:
    doctored = json.loads(json.dumps(dashboard))
    target = doctored["panels"][0]["targets"][0]
    target["expr"] = "sum(rate(bentoml_service_request_made_up_total[5m])) + " + target["expr"]
    doctored["panels"][-1]["targets"][0]["expr"] = (
        "histogram_quantile(0.5, rate(bentoml_service_request_duration_seconds[5m]))"
    )
    found = problems(doctored, scrape_config, scraped)
    assert any("bentoml_service_request_made_up_total is not exported" in p for p in found)
    assert any("bentoml_service_request_duration_seconds is not exported" in p for p in found)
