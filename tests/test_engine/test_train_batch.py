"""Phase 1's batch record and the resumable generator of the MES draws."""
import torch

from mmadvisor.engine.optimizers.train_batch import DrawGenerator


def test_draws_follow_the_run_seed_and_resume():
    torch.manual_seed(7)
    draws = DrawGenerator()
    assert draws.state() is None  # nothing drawn yet: nothing to save
    first = torch.rand(5, generator=draws.get(torch.device('cpu')))
    assert torch.equal(
        first, torch.rand(5, generator=torch.Generator().manual_seed(7)))
    saved = draws.state()
    following = torch.rand(5, generator=draws.get(torch.device('cpu')))
    resumed = DrawGenerator()
    torch.manual_seed(123)  # a resumed run is seeded by its state, not this
    resumed.restore(saved)
    assert torch.equal(
        torch.rand(5, generator=resumed.get(torch.device('cpu'))), following)
