// Fill the heap: V8 would allow gigabytes here, the memory cgroup does not.
const keep = [];
for (;;) keep.push(Buffer.alloc(16 << 20, 1));
