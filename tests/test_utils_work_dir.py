import os

import pytest

from mmadvisor.utils.work_dir import WorkDirError, check_work_dir


def test_logs_alone_are_no_run(tmp_path):
    (tmp_path / '20261128_101500').mkdir()
    (tmp_path / 'notes.txt').write_text('mine')
    assert check_work_dir(str(tmp_path), resume=False, overwrite=False) == []


def test_a_run_is_refused_kept_on_resume_and_deleted_on_overwrite(tmp_path):
    (tmp_path / '20261128_101500').mkdir()
    (tmp_path / 'epoch_3.pth').write_bytes(b'x')
    (tmp_path / 'generated').mkdir()
    (tmp_path / 'notes.txt').write_text('mine')
    (tmp_path / 'classifier.pth').write_bytes(b'stripped by the user')
    (tmp_path / 'best_accuracy_top1_epoch_2.pth').write_bytes(b'x')
    with pytest.raises(WorkDirError, match=r'best_accuracy_top1_epoch_2\.pth, '
                       r'epoch_3\.pth, generated'):
        check_work_dir(str(tmp_path), resume=False, overwrite=False)
    assert check_work_dir(str(tmp_path), resume=True, overwrite=False) == []
    # only rank 0 deletes
    check_work_dir(str(tmp_path), False, True, main_process=False)
    assert len(os.listdir(tmp_path)) == 6
    removed = check_work_dir(str(tmp_path), False, True)
    assert removed == ['20261128_101500', 'best_accuracy_top1_epoch_2.pth',
                       'epoch_3.pth', 'generated']
    assert sorted(os.listdir(tmp_path)) == ['classifier.pth', 'notes.txt']


def test_files_a_run_does_not_write_are_no_run(tmp_path):
    (tmp_path / 'classifier.pth').write_bytes(b'stripped by the user')
    (tmp_path / 'epoch_final.pth').write_bytes(b'renamed by the user')
    assert check_work_dir(str(tmp_path), resume=False, overwrite=False) == []
