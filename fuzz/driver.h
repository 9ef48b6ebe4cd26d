/*
 * Shared by every fuzz driver: when built without libFuzzer (the normal and
 * ASan builds), a driver gets this main(), which replays the files and
 * directories named on the command line through LLVMFuzzerTestOneInput.
 * `make test` runs each driver over its corpus this way, so any input that
 * once crashed stays a regression test; `make fuzz` links the same drivers
 * with libFuzzer instead.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef SKITTY_LIBFUZZER
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                char p[4096];
                snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
                bad |= replay_file(p);
                files++;
            }
            if (d)
                closedir(d);
        } else {
            bad |= replay_file(argv[i]);
            files++;
        }
    }
    printf("1..1\n%s 1 - replayed %d inputs without a crash\n", bad ? "not ok" : "ok", files);
    return bad;
}
#endif
