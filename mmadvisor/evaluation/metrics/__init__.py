# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .shot_accuracy import ShotAccuracy

__all__ = ['ShotAccuracy']
