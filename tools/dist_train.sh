#!/usr/bin/env bash
# Usage: bash tools/dist_train.sh CONFIG GPUS [tools/train.py flags]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT. On a machine without
# GPUs, GPUS processes run on the CPU with the gloo backend. PYTHON picks the
# interpreter (default: python); the launcher is torchrun (torch.distributed.run).
# --dist-timeout SECONDS: how long ranks wait for one that stopped answering
# before the run stops with a message naming it (torch's default: 1800).
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$(dirname $0)/..":$PYTHONPATH \
${PYTHON:-python} -m torch.distributed.run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS \
    --master_port=$PORT \
    $(dirname "$0")/train.py \
    $CONFIG \
    --launcher pytorch ${@:3}
