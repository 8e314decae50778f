import io
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub


def test_runner_state_loads_with_weights_only():
    hub = MessageHub.get_instance('test_ckpt_hub')
    for v in (1.0, 2.0, 4.0):
        hub.update_scalar('train/loss', v)
    hub.update_info('epoch', np.int64(3))
    state = dict(message_hub=hub.state_dict(), arr=np.arange(3.0))
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    loaded = torch.load(buf, weights_only=True)
    history = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(history, HistoryBuffer)
    assert history.mean() == pytest.approx(7 / 3)
    assert history.max() == 4.0 and history.current() == 4.0
    assert np.array_equal(loaded['arr'], np.arange(3.0))


def test_arbitrary_globals_still_refused():
    import os
    buf = io.BytesIO()
    torch.save(dict(f=os.getcwd), buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match='posix.getcwd|getcwd'):
        torch.load(buf, weights_only=True)
