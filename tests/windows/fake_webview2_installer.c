/* Stands in for Microsoft's WebView2 Evergreen Standalone Installer in the installer test
 * (tests/windows/installer.py): the real one cannot be had on the test machines. It writes the
 * arguments it was given to webview2-installer-ran.txt beside itself and exits 0. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

int main(int argc, char **argv) {
    char path[MAX_PATH];
    DWORD length = GetModuleFileNameA(NULL, path, MAX_PATH);
    if (length == 0 || length >= MAX_PATH) return 1;
    char *slash = strrchr(path, '\\');
    if (!slash) return 1;
    strcpy(slash + 1, "webview2-installer-ran.txt");
    FILE *out = fopen(path, "w");
    if (!out) return 1;
    for (int i = 1; i < argc; i++) fprintf(out, "%s%s", i > 1 ? " " : "", argv[i]);
    fprintf(out, "\n");
    fclose(out);
    return 0;
}
