# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .advisor import Advisor
from .mw_net import MWNet

__all__ = ['Advisor', 'MWNet']
