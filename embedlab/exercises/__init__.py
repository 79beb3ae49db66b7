"""The exercises of the course, one module per lesson (``lesson03.py`` for notebook 03).

Each module registers its lesson's exercises with ``embedlab.check.exercise``: the
reference they are graded against (a function of the technique module, such as
``embedlab.word2vec.sgns_loss``), the cases ``check`` runs, the realistic wrong
answers (``@mistake``) whose hints name the exact error, and the progressive hints
that ``embedlab.hint`` shows on demand. ``solutions.json`` holds the course
notebooks' own solutions, for ``embedlab.solution``; ``tools/build_notebooks.py``
writes it from ``sources/``.

The technique modules stay free of all this, so that a learner who opens
``embedlab/word2vec.py`` reads the reference and nothing else.
"""
