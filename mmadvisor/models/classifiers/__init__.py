# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .advisor_classifier import AdvisorClassifier

__all__ = ['AdvisorClassifier']
