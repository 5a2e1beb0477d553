/*
 * standalone_driver.c - replays a fuzz corpus through LLVMFuzzerTestOneInput
 * without libFuzzer, so that every compiler (and ctest, under the sanitizers)
 * runs the corpora. Arguments are files or directories (read one level deep).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long size;
    int rc = 1;

    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 1;
    }
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    data = malloc((size_t)size + 1);
    if (!data)
        goto out;
    if (fread(data, 1, (size_t)size, f) != (size_t)size)
        goto out;
    LLVMFuzzerTestOneInput(data, (size_t)size);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "%s: cannot read\n", path);
    free(data);
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    int i, failures = 0;
    long count = 0;

    for (i = 1; i < argc; i++) {
        struct stat st;
        DIR *dir;
        struct dirent *de;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            failures += replay_file(argv[i]);
            count++;
            continue;
        }
        dir = opendir(argv[i]);
        if (!dir)
            return 1;
        while ((de = readdir(dir)) != NULL) {
            char path[4096];

            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
            failures += replay_file(path);
            count++;
        }
        closedir(dir);
    }
    if (count == 0) {
        fprintf(stderr, "no corpus inputs given\n");
        return 1;
    }
    printf("replayed %ld inputs, %d unreadable\n", count, failures);
    return failures ? 1 : 0;
}
