"""The rule kinds as the unit of the engine, below `eligo.criteria` (which never imports back).

One module per kind, named after its `kind` string (`washout.py`, `lab_threshold.py`, `high_risk.py`,
...), holds its model, question, extractor(s), evaluator and `KIND` record (`kind.RuleKind`); kinds of
one family share a helper module (`_clinical.py`, `_clinical_text.py`, `_labs.py`, `_therapy.py`).
`base.py` holds what every rule shares, `composite.py` the composite models, `drugs.py` the drug
vocabulary, `prefilter.py` the trigger words, `patterns.py` the phrases as data
(`criteria/vocab/patterns.yaml`). The static registry orders the kinds (`registry`); the one walker
goes over composite rules (`walk`); `extract` runs the chain.
"""
