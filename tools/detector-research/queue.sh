#!/bin/bash
# usage: queue.sh LISTFILE ; each line: name args...
while read -r name args; do
  [ -z "$name" ] && continue
  [ -f runs/$name.npz ] && continue
  echo "=== $name $args $(date +%T)"
  /usr/bin/python3 train.py $args --out runs/$name.npz > logs/$name.log 2>&1 || echo "FAILED $name"
  tail -1 logs/$name.log
done < "$1"
