# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .advisor_head import AdvisorHead

__all__ = ['AdvisorHead']
