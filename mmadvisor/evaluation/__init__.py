# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .metrics import ShotAccuracy

__all__ = ['ShotAccuracy']
