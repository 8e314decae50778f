# Copyright (c) mmadvisor contributors.
"""Helpers for data samples, below ``models`` and ``engine`` (both use
them), as ``mmpretrain.structures``."""
from .utils import hard_labels

__all__ = ['hard_labels']
