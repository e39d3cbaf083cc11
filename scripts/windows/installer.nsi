; Deckhand's Windows installer, built with makensis (stock NSIS 3, no extra plugins) by
; scripts/windows.sh:
;
;   makensis -DVERSION=0.1.0 -DROOT=<the repository> -DPROGRAMS=<folder with the .exe files> \
;            -DOUTFILE=<setup.exe> installer.nsi
;
; (Paths given at build time use "/": makensis runs on Linux here.)
;
; It installs for all users into "C:\Program Files\Deckhand": the desktop app, the command-line
; program deckhand.exe, the simulator deckhand-sim.exe (found beside the app on a PC without
; VENUS) and WebView2Loader.dll. `/S` installs silently. The uninstaller removes the programs,
; the Start menu entry and the uninstall entry, and never the data (%APPDATA%\Deckhand).
;
; The window needs Microsoft's WebView2 Runtime. Lab PCs are often offline, so this installer
; does not download it: when the runtime is missing it runs Microsoft's Evergreen Standalone
; Installer (MicrosoftEdgeWebView2RuntimeInstallerX64.exe) if that file lies beside this setup
; program, and otherwise says how to get the runtime (docs/operations.md). Deckhand runs without
; it (scheduler, alerts, tray); only the window needs it.

; A 64-bit installer: Deckhand is 64-bit, and so is the Wine the tests install it with.
Target amd64-unicode
ManifestDPIAware true
; -DCOMPRESSION=zlib builds faster (the tests' debug builds are large); releases use lzma.
!ifndef COMPRESSION
  !define COMPRESSION "/SOLID lzma"
!endif
SetCompressor ${COMPRESSION}
RequestExecutionLevel admin

!ifndef VERSION
  !error "makensis -DVERSION=x.y.z is required"
!endif
!ifndef ROOT
  !error "makensis -DROOT=<the repository> is required"
!endif
!ifndef PROGRAMS
  !error "makensis -DPROGRAMS=<folder with deckhand-desktop.exe, deckhand.exe, deckhand-sim.exe, WebView2Loader.dll> is required"
!endif
!ifndef OUTFILE
  !define OUTFILE "Deckhand_${VERSION}_x64-setup.exe"
!endif

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "WordFunc.nsh"
!include "FileFunc.nsh"

!define PRODUCT "Deckhand"
!define PUBLISHER "The Deckhand developers"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Deckhand"
; Microsoft's id of the WebView2 Runtime in EdgeUpdate's registry keys.
!define WEBVIEW2_ID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_OFFLINE "MicrosoftEdgeWebView2RuntimeInstallerX64.exe"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "LegalCopyright" "Copyright (c) 2026 ${PUBLISHER}. MIT licence."

!define MUI_ICON "${ROOT}/icons/icon.ico"
!define MUI_UNICON "${ROOT}/icons/icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\deckhand-desktop.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start Deckhand"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Deckhand needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  ; Never over a newer Deckhand: its database may have a schema this version cannot read.
  ReadRegStr $0 HKLM "${UNINSTALL_KEY}" "DisplayVersion"
  ${If} $0 != ""
    ${VersionCompare} "$0" "${VERSION}" $1
    ${If} $1 == 1
      MessageBox MB_ICONSTOP "Deckhand $0 is installed, which is newer than this installer's ${VERSION}. Nothing was changed." /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

; Whether the WebView2 Runtime is installed, machine-wide or for this user: $0 = 1 or 0.
Function HasWebView2
  StrCpy $0 0
  ReadRegStr $1 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  ${If} $1 == ""
    ReadRegStr $1 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  ${EndIf}
  ${If} $1 != ""
  ${AndIf} $1 != "0.0.0.0"
    StrCpy $0 1
  ${EndIf}
FunctionEnd

Section "Deckhand" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A running Deckhand holds its programs open: ask it to be closed rather than half-replace them.
  ClearErrors
  File "${PROGRAMS}/deckhand-desktop.exe"
  File "${PROGRAMS}/deckhand.exe"
  File "${PROGRAMS}/deckhand-sim.exe"
  File "${PROGRAMS}/WebView2Loader.dll"
  ${If} ${Errors}
    MessageBox MB_ICONSTOP "Deckhand's programs could not be written to $INSTDIR. Quit Deckhand (its tray icon, Quit) and any deckhand.exe still running, then run this installer again." /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  CreateShortCut "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk" "$INSTDIR\deckhand-desktop.exe"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\deckhand-desktop.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "WebView2 Runtime" SecWebView2
  Call HasWebView2
  ${If} $0 == 1
    DetailPrint "The WebView2 Runtime is installed."
    Return
  ${EndIf}
  ${If} ${FileExists} "$EXEDIR\${WEBVIEW2_OFFLINE}"
    DetailPrint "Installing the WebView2 Runtime from $EXEDIR\${WEBVIEW2_OFFLINE}..."
    ExecWait '"$EXEDIR\${WEBVIEW2_OFFLINE}" /silent /install' $1
    ${If} $1 != 0
      MessageBox MB_ICONEXCLAMATION "The WebView2 Runtime installer ended with code $1. Deckhand is installed and will run its schedules, but its window needs the runtime: run ${WEBVIEW2_OFFLINE} again, or ask your IT team." /SD IDOK
    ${EndIf}
  ${Else}
    DetailPrint "The WebView2 Runtime is missing and ${WEBVIEW2_OFFLINE} is not beside this installer."
    MessageBox MB_ICONINFORMATION "Deckhand's window needs Microsoft's WebView2 Runtime, which this PC does not have.$\r$\n$\r$\nDeckhand is installed and runs its schedules without it. To get the window, put Microsoft's Evergreen Standalone Installer (${WEBVIEW2_OFFLINE}) beside this setup program and run it again, or install the runtime another way (your IT team can help)." /SD IDOK
  ${EndIf}
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\deckhand-desktop.exe"
  Delete "$INSTDIR\deckhand.exe"
  Delete "$INSTDIR\deckhand-sim.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  ; The database, backups and logs (%APPDATA%\Deckhand) stay: they are the lab's records.
SectionEnd
