# MFRW-MES on Clothing1M (tables 2.4, 3.7) under its short name: the same
# run as resnet50-mfrw-mes_1xb32_clothing1m.py.
_base_ = ['./resnet50-mfrw-mes_1xb32_clothing1m.py']
