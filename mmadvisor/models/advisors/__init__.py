# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .advisor import Advisor

__all__ = ['Advisor']
