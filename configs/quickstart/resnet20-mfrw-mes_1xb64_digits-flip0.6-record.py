# The quickstart advisor run, recording what the advisor advised every
# training sample at a few epochs (for tools/analysis_tools/plot_advice.py
# and find_label_issues.py).
_base_ = './resnet20-mfrw-mes_1xb64_digits-flip0.6.py'

custom_hooks = _base_.custom_hooks + [
    dict(type='AdviceRecordHook', epochs=[1, 5, 10, 20, 30])
]
