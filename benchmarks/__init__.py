"""The research harness: the thesis' experiments, the Fashion-MNIST
benchmark, the quickstart's meta-lr study and the cost of a training step.

Not part of the installed package (``setup.py`` leaves it out of the wheel;
no module of ``mmadvisor`` imports it): it reads ``configs/`` and writes
``README.md`` and ``docs/results/`` of a checkout, so it runs from a clone
of the repository. Its command lines are in ``tools/`` (``thesis_grid.py``,
``collect_results.py``, ``benchmarks/``, ``analysis_tools/
benchmark_meta_step.py``, ``device_check.py``), which put the repository
root on ``sys.path`` to import it. What a user's training imports is in
``mmadvisor``; the methods are defined once, by the config fragments under
``configs/_base_/methods/`` (:mod:`benchmarks.methods` reads them).
"""
import os.path as osp

#: The repository root (``configs/``, ``README.md`` and ``docs/`` sit there).
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
