/* A stand-in for Windows' bcryptprimitives.dll, for running Deckhand's Windows binaries under
 * Wine 8 (Debian 12), which lacks it. Rust's standard library imports ProcessPrng from it for
 * random numbers; without the DLL every Windows binary dies at start (status c0000135). It
 * fills the buffer with advapi32's RtlGenRandom (SystemFunction036), which Wine has. Built by
 * scripts/windows.sh with mingw-w64 into the test Wine prefix only; never shipped. */
#include <windows.h>

typedef BOOLEAN(WINAPI *RtlGenRandomFn)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    static RtlGenRandomFn generate = NULL;
    if (generate == NULL) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (advapi == NULL) return FALSE;
        generate = (RtlGenRandomFn)GetProcAddress(advapi, "SystemFunction036");
        if (generate == NULL) return FALSE;
    }
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!generate(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
