// The host platform in Go's (and so the OCI image spec's) names.

export function goArch(arch: string = process.arch): string {
  return ({x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'} as Record<string, string>)[arch] ?? arch;
}
