#!/bin/sh
# One line describing this machine, for benchmark reports.
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
echo "$(nproc) x $cpu, $mem RAM, $os, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
