"""Reading advice records (:class:`AdviceRecordHook`) and the numbers the
analysis tools plot: PCA of ``W_f``, the MES / EQL weight fit, and
label-issue scores with their AUROC and precision@K."""
from .records import AdviceRecord, list_epochs, load_advice
from .metrics import (auroc, class_size_target, eql_threshold, eql_weights,
                      label_issue_scores, mes_weights, pca, precision_at_k,
                      weights_mae)

__all__ = [
    'AdviceRecord', 'list_epochs', 'load_advice', 'auroc',
    'class_size_target', 'eql_threshold', 'eql_weights', 'mes_weights',
    'label_issue_scores', 'pca', 'precision_at_k', 'weights_mae'
]
