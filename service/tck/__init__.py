"""The DMN TCK runner: test-case files in, pass counts and a results file out.

- :mod:`service.tck.reader`  TCK test-case XML -> TestFile / TestCase / ResultNode (plain data)
- :mod:`service.tck.compare` expected vs actual FEEL value -> (ok, first difference)
- :mod:`service.tck.runner`  folders of models and tests -> one CaseResult per case
- :mod:`service.tck.report`  CaseResults -> counts per level, CSV, the ratchet files

The same format carries every published model's own regression cases, so this runner
serves both the conformance kit and tablerx's models. See docs/tck.md.
"""
