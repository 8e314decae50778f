# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .samplers import *  # noqa: F401,F403

__all__ = []
