# mlgate: every workflow step and every developer task is one target here.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1
# BentoML's model and bento store, kept inside the project (git-ignored)
export BENTOML_HOME ?= $(CURDIR)/.bentoml
export BENTOML_DO_NOT_TRACK := True
PORT ?= 3000
# The published image: ghcr.io/<owner>/<repo>, lower-cased as registries require
IMAGE ?= ghcr.io/$(shell echo "$${GITHUB_REPOSITORY:-owner/mlgate}" | tr '[:upper:]' '[:lower:]')
GIT_SHA = $(shell git rev-parse HEAD)
GIT_BRANCH = $(or $(GITHUB_REF_NAME),$(shell git rev-parse --abbrev-ref HEAD))
MODEL_HASH = $(shell md5sum models/model.skops | cut -c1-12)
# uv from PATH, or else pip-installed into .tools/ (a venv of its own, so it also works where
# PEP 668 forbids installing into the system Python). After `make setup`, .venv/bin/uv (the
# serving extra's `uv` package, as uv.lock pins it) is on this PATH for BentoML and every target.
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
# Root-only steps (debootstrap) use sudo when not root, as on GitHub's runners.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: help setup run reproduce drift-report review bento serve smoke image base-image fetch-batch monitor monitor-summary drift-issue retrain-data push-data test-serving image-archive image-tags verify-rollout rollout system-deps check-fresh refresh-lock lint-workflows rehearse test coverage test-fast test-slow test-rehearsal lint format typecheck bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(VENV)/.synced ## Create .venv (installing uv if missing) and sync the locked dependencies

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Python compiles the modules it imports as it goes and keeps the bytecode, so compiling every
# module up front (~30 s per fresh venv: each CI job makes one) is wasted, unless
# PYTHONDONTWRITEBYTECODE is set (some CI images set it): then every process would compile
# pandas and scikit-learn again (~3 s each), so compile them once here.
UV_SYNC_FLAGS := $(if $(PYTHONDONTWRITEBYTECODE),--compile-bytecode)
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --all-extras $(UV_SYNC_FLAGS)
	@touch $@

run: setup ## Set up, reproduce the whole pipeline (offline on the default data), print the metrics
	dvc repro
	@echo
	dvc metrics show reports/metrics.json
	@echo
	mlgate registry show
	@echo
	@echo "Outputs: data/raw/, data/processed/ (DVC-cached), models/model.skops (DVC-cached),"
	@echo "         reports/metrics.json, reports/model_card.md, reports/data_validation.json,"
	@echo "         reports/plots/ (in git)"

# With DVC_PULL=true, unchanged stages are skipped (--allow-missing) and their outputs pulled
# afterwards, so later steps (serving, drift, retraining) find the data and the model.
reproduce: setup ## The pipeline as CI runs it: DVC_PULL=true reuses the remote's results
	@if [ "$${DVC_PULL:-false}" = true ]; then \
		echo "dvc repro --pull --allow-missing && dvc pull"; \
		{ dvc repro --pull --allow-missing && dvc pull; } || { \
			echo "::warning::pulling from the DVC remote failed; reproducing everything"; \
			dvc repro; }; \
	else \
		echo "dvc repro (no DVC remote credentials: reproducing everything)"; dvc repro; \
	fi

drift-report: setup ## reports/drift.html (Evidently) when the drift stage did not run here
	@if [ -f reports/drift.html ]; then echo "reports/drift.html is there"; else mlgate drift; fi

BASE ?= main
review: setup ## Review the workspace against BASE (default main): reports/review.md, then the gate
	mlgate report --base $(BASE)
	mlgate gate --base $(BASE)

bento: setup ## Package the current model: BentoML model store entry + bento (prints the tags)
	mlgate bento

smoke: setup ## Serve the built bento briefly and check it predicts like models/model.skops
	mlgate smoke

serve: setup ## Serve the current model on 127.0.0.1:$PORT (default 3000) with BentoML
	mlgate bento --no-build
	bentoml serve mlgate.serving.service:MlgateModel --host 127.0.0.1 --port $(PORT)

# `make image`: empty BASE_IMAGE means BentoML's python slim base (needs an image registry).
# Where no registry is reachable, use the base built from Debian packages:
#   make base-image && make image BASE_IMAGE=localhost/mlgate-base:bookworm-py311
BASE_IMAGE ?=
LOCAL_IMAGE ?= localhost/mlgate:dev
image: setup ## Bento + container image $(LOCAL_IMAGE) (docker when running, else podman)
	MLGATE_BASE_IMAGE=$(BASE_IMAGE) mlgate bento
	deploy/image/containerize.sh mlgate:latest $(LOCAL_IMAGE)

base-image: ## Build the registry-free base image from Debian packages (debootstrap + podman)
	$(SUDO) deploy/image/build-base.sh

# The monitoring loop (.github/workflows/monitor.yml). Each target prints key=value lines for
# $GITHUB_OUTPUT (stdout when not in a workflow).
BATCH_DIR ?= data/production
MONITOR_OUT ?= reports/monitor/drift.json
GH_OUTPUT = $${GITHUB_OUTPUT:-/dev/stdout}
DRIFT_TITLE := Data drift in production

fetch-batch: ## The newest production batch in $BATCH_DIR (or $BATCH_URL): batch=, id=, labels=
	@if [ -f "$(BATCH_DIR).dvc" ]; then dvc pull --quiet "$(BATCH_DIR)" >&2; fi; \
	if [ -n "$${BATCH_URL:-}" ]; then batch="$$BATCH_URL"; \
	else batch=$$(find "$(BATCH_DIR)" -maxdepth 1 -type f \( -name '*.parquet' -o -name '*.csv' \
		-o -name '*.jsonl' \) 2>/dev/null | LC_ALL=C sort | tail -n 1 || true); fi; \
	if [ -z "$$batch" ]; then echo "::notice::no production batch in $(BATCH_DIR)" >&2; \
		printf 'batch=\nid=\nlabels=\n' >> "$(GH_OUTPUT)"; exit 0; fi; \
	case "$$batch" in *$$'\n'*) echo "error: BATCH_URL: one path, glob or URL (no newlines)" >&2; exit 2;; esac; \
	name=$$(basename "$${batch%%\?*}"); stem="$${name%%.*}"; \
	id=$$(printf '%s' "$$stem" | tr -c 'A-Za-z0-9._-' '-'); \
	case "$$id" in *[A-Za-z0-9]*) ;; *) id="batch-$$(date -u +%Y%m%d)";; esac; \
	labels=""; \
	case "$$stem" in *[][*?]*) ;; *) \
		labels=$$(find "$(BATCH_DIR)/labels" -maxdepth 1 -type f \( -name "$$stem.parquet" \
			-o -name "$$stem.csv" \) 2>/dev/null | head -n 1 || true);; esac; \
	printf 'batch=%s\nid=%s\nlabels=%s\n' "$$batch" "$$id" "$$labels" >> "$(GH_OUTPUT)"

monitor: setup ## mlgate monitor on $BATCH; drifted=true|false (exit 0 either way, 2 on bad input)
	@rc=0; mlgate monitor --current "$$BATCH" --out "$(MONITOR_OUT)" || rc=$$?; \
	case $$rc in \
		0) echo "drifted=false" >> "$(GH_OUTPUT)";; \
		1) echo "::warning::data drift in $$BATCH" >&2; echo "drifted=true" >> "$(GH_OUTPUT)";; \
		*) exit $$rc;; \
	esac

monitor-summary: setup ## The drift summary as markdown (drift.md, and the job summary)
	mlgate drift-summary --summary "$(MONITOR_OUT)" --batch-id "$${BATCH_ID:-}"

drift-issue: ## Open, or update, the one open "Data drift in production" issue (gh)
	@body="$(dir $(MONITOR_OUT))drift.md"; \
	gh label create drift --color D93F0B --description "production data drift" --force >/dev/null; \
	number=$$(gh issue list --state open --label drift --search 'in:title "$(DRIFT_TITLE)"' \
		--json number --jq '.[0].number // empty'); \
	if [ -n "$$number" ]; then gh issue edit "$$number" --body-file "$$body"; \
		gh issue comment "$$number" --body "Still drifting: batch $${BATCH_ID:-?}"; \
	else gh issue create --title "$(DRIFT_TITLE)" --label drift --body-file "$$body"; fi

retrain-data: setup ## Append the labelled batch in $LABELS to the training data (a new DVC version)
	mlgate add-labelled --labels "$$LABELS"

# The only target that holds the DVC remote's write credentials in CI, in a job that ran no
# project code: it installs the locked dependencies without the project itself (no mlgate, no
# dev tools) into $(PUSH_VENV) and runs nothing but `dvc push` on the cache in .dvc/cache.
PUSH_VENV ?= $(CURDIR)/.venv-push
push-data: | $(UV) ## dvc push what dvc.lock names, and the run-cache (reviews and CI pull instead of retraining)
	UV_PROJECT_ENVIRONMENT=$(PUSH_VENV) $(UV) sync --locked --no-install-project --no-dev --quiet
	$(PUSH_VENV)/bin/dvc push --run-cache

test-serving: setup ## The serving tests (in-process and a real server; not the container build)
	pytest tests/serving --no-cov -m "not container"

# The model registry (GTO tags: model@vX.Y.Z versions, model#<stage>#N stages; registry.yml).
.PHONY: register assign push-tags
STAGE ?= $(GIT_BRANCH)

register: setup ## Register a new model version when dvc.lock's model changed (tag model@vX.Y.Z)
	mlgate registry register

assign: setup ## Assign $STAGE (default: this branch) to the version of this commit's model
	mlgate registry assign --stage "$(STAGE)"

# Only the registry's tags. A workflow's checkout keeps no credentials: with GITHUB_TOKEN set
# (that step only), a credential helper hands it to git from the environment, so the token is
# never on a command line nor written into .git/config.
push-tags: ## Push the registry's tags to origin (with $GITHUB_TOKEN when set)
	git $(if $(GITHUB_TOKEN),-c credential.helper= -c 'credential.helper=!f() { echo username=x-access-token; echo "password=$$GITHUB_TOKEN"; }; f') \
		push origin 'refs/tags/model@*:refs/tags/model@*' 'refs/tags/model#*:refs/tags/model#*'

# deploy.yml builds and tests in one job (read-only) and publishes in another: the build job
# leaves the image as an OCI archive and the tags to push it with; the publish job pushes that
# archive (skopeo) and attests it, running none of this project's code.
IMAGE_ARCHIVE ?= $(CURDIR)/dist/image.oci.tar
image-archive: setup ## Build the image with buildx into the OCI archive $(IMAGE_ARCHIVE) (pushes nothing)
	@mkdir -p $(dir $(IMAGE_ARCHIVE))
	bentoml containerize mlgate:latest --backend buildx -t $(IMAGE):$(GIT_SHA) \
		--opt output=type=oci,dest=$(IMAGE_ARCHIVE)

image-tags: setup ## tags=<git-sha> <branch> model-<hash> v<X.Y.Z> for the image (a line for $$GITHUB_OUTPUT)
	@version=$$(mlgate registry version) || { version=""; \
		echo "::warning::the model is not a registered version: the image gets no v<X.Y.Z> tag" >&2; }; \
	echo "tags=$(GIT_SHA) $(GIT_BRANCH) model-$(MODEL_HASH)$${version:+ $$version}"

# Before `make rollout`: IMAGE_REF (name@sha256:…) must carry this repository's provenance
# attestation for that digest (gh, with GH_TOKEN), and the model it serves at /metadata must be
# the registry's version for $STAGE; otherwise one line and a non-zero exit.
verify-rollout: setup ## Refuse IMAGE_REF unless it is attested and serves $STAGE's registered model
	mlgate verify-rollout --image "$(IMAGE_REF)" --stage "$(STAGE)"

OVERLAY ?= staging
rollout: ## Apply deploy/k8s/overlays/$OVERLAY with IMAGE_REF (needs KUBE_CONFIG; skips without)
	@if [ -z "$${KUBE_CONFIG:-}" ]; then echo "no KUBE_CONFIG secret: skipping the rollout"; exit 0; fi; \
	config=$$(mktemp); trap 'rm -f "$$config"' EXIT; printf '%s' "$$KUBE_CONFIG" > "$$config"; \
	(cd deploy/k8s/overlays/$(OVERLAY) && kustomize edit set image ghcr.io/OWNER/mlgate=$(IMAGE_REF)); \
	KUBECONFIG="$$config" kubectl apply -k deploy/k8s/overlays/$(OVERLAY); \
	KUBECONFIG="$$config" kubectl rollout status deployment/mlgate -n mlgate-$(OVERLAY) --timeout=300s

system-deps: ## The apt packages the tests need (podman, debootstrap, ...), only when missing
	bash .ci/system-deps.sh

check-fresh: reproduce ## The committed dvc.lock and results are what the code produces (else: what to run)
	@stale=$$(git status --porcelain -- dvc.lock reports/ ':!reports/benchmarks'); \
	if [ -n "$$stale" ]; then \
		echo "$$stale"; git --no-pager diff --stat -- dvc.lock reports/; \
		echo "::error::dvc.lock or the committed results are stale (a param, code, data or a uv.lock pin changed without dvc repro). Run 'make refresh-lock' (dvc repro, then git add dvc.lock and reports/), then git commit and push. A Dependabot PR: check out its branch and do the same (docs/ci-cd-and-rehearsal.md#dependency-bumps)." >&2; \
		exit 1; \
	fi; echo "dvc.lock and the committed results are fresh"

# After a dependency bump (a Dependabot PR) or any change made without dvc repro: reproduce with
# the locked packages (setup syncs uv.lock first), then stage what check-fresh compares.
refresh-lock: reproduce ## Reproduce and stage dvc.lock and the committed results (then git commit)
	git add dvc.lock reports/ ':!reports/benchmarks'
	@git status --short -- dvc.lock reports/
	@echo "Staged. Next: git commit -m 'Reproduce the pipeline for the dependency bump' && git push"

lint-workflows: setup ## zizmor (offline: pedantic, then auditor) and the GitHub JSON schemas on .github/
	zizmor --offline --persona=pedantic --no-progress .github/
	zizmor --offline --persona=auditor --no-progress .github/
	check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml

# pytest-xdist workers for the test targets (auto: one per core; 0: serially, in this process).
PYTEST_WORKERS ?= auto
PYTEST := pytest -n $(PYTEST_WORKERS)

rehearse: setup ## Run the real workflows with act (push, pull request, production, schedule)
	$(PYTEST) tests/workflows/rehearsal --no-cov -m rehearsal

test: setup lint typecheck lint-workflows ## Set up, then ruff, mypy, workflow checks and the whole pytest suite (slow tests and rehearsals included)
	$(PYTEST)

# Coverage is measured on request: tracing every line and branch makes the in-process tests
# ~70% slower (make test-fast: 102 s without, 172 s with, on 2 cores), a cost every push paid.
coverage: setup ## The whole suite with line and branch coverage of src/mlgate (slower than make test)
	$(PYTEST) --cov=mlgate --cov-report=term-missing:skip-covered

test-fast: setup ## Only the fast unit tests (skips end-to-end pipeline runs)
	$(PYTEST) -m "not slow" --no-cov

test-slow: setup ## The slow tests but rehearsals and the container: pipeline runs, PR review, S3, a real server
	$(PYTEST) -m "slow and not rehearsal and not container" --no-cov

test-rehearsal: setup ## The workflow rehearsals (act) and the container build (make base-image first)
	$(PYTEST) -m "rehearsal or container" --no-cov

lint: setup ## ruff lint and format check
	ruff check src tests benchmarks
	ruff format --check src tests benchmarks

format: setup ## Apply ruff's fixes and formatting
	ruff check --fix src tests benchmarks
	ruff format src tests benchmarks

typecheck: setup ## mypy, strict on src/
	mypy

bench: run ## Benchmarks (pipeline vs a DVC toy, review, default vs former estimator quality, scaling to 10M rows, serving, drift); results in reports/benchmarks/
	python benchmarks/pipeline.py --out reports/benchmarks/pipeline.json
	python benchmarks/quality.py --out reports/benchmarks/quality.json
	python benchmarks/scaling.py --out reports/benchmarks/scaling.json
	python benchmarks/serving.py --out reports/benchmarks/serving.json
	python benchmarks/drift.py --out reports/benchmarks/drift.json
	python benchmarks/bootstrap.py --out reports/benchmarks/bootstrap.json
	python benchmarks/sweep.py --out reports/benchmarks/sweep.json

.PHONY: sweep
sweep: setup ## Run params.yaml's sweep: grid as DVC experiments, ranked (JOBS=n; the best: BRANCH=name, or APPLY=1 into the workspace)
	mlgate sweep $(if $(JOBS),--jobs $(JOBS)) $(if $(BRANCH),--branch $(BRANCH)) $(if $(APPLY),--apply)

clean: ## Remove caches and the venv (not DVC data or the remote)
	rm -rf $(VENV) $(PUSH_VENV) .tools .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
