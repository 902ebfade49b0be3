# cardscan: `make install demo` on a fresh machine, `make test` for the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
EVENT ?= vernissage

.PHONY: install tesseract test-tools venv demo test lint bench bench-watch eval eval-text corpus samples clean

install: tesseract venv

tesseract:
	@bash tools/install_tesseract.sh

# ez-vcard (Java) and chromium for some tests; CI installs them, the tests skip what is missing
test-tools:
	@bash tools/install_test_tools.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cardscan needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,neural]'
	@touch $@
	@echo "cardscan installed in $(VENV): run $(BIN)/cardscan --help"

demo: install
	$(BIN)/cardscan samples --event "$(EVENT)" --contacts contacts
	@echo "Contacts: contacts/people/ (one .vcf each); everyone met: contacts/events/"
	@ls contacts/events

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check pipeline tests tools
	$(BIN)/mypy
	MYPYPATH=tools $(BIN)/mypy tools/make_corpus.py tools/evaluate.py

# the 12 MP phone-photo set is generated (git-ignored, the same from its seed) the first time
bench: venv
	test -d bench-phone || $(BIN)/python tools/make_samples.py --phone-set bench-phone
	$(BIN)/python tools/evaluate.py --shared $(SHARED)
	$(BIN)/python tools/bench.py --shared $(SHARED)

bench-watch: venv
	$(BIN)/python tools/bench_watch.py --shared $(SHARED)

# reads photos (OCR): run it as `flock /tmp/cardscan-bench.lock make eval` when others share the machine
eval: venv
	$(BIN)/python tools/evaluate.py --shared $(SHARED)

# the text corpora only (hand-written, generated develop and held-out halves): seconds, no OCR
eval-text: venv
	$(BIN)/python tools/evaluate.py --no-photos

# the generated corpus into build/corpus/ (git-ignored; tools/evaluate.py also makes it when missing)
corpus: venv
	$(BIN)/python tools/make_corpus.py

samples: venv
	$(BIN)/python tools/make_samples.py

clean:
	rm -rf $(VENV) contacts build .pytest_cache .mypy_cache .ruff_cache *.egg-info
