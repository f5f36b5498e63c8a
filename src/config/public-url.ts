/** True when other people's browsers could not reach this address (it names the machine itself). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
  } catch {
    return false;
  }
}

/** The start-up warning for POLLEN_PUBLIC_URL, if it deserves one (English, for the log). */
export function publicUrlWarning(publicUrl: string | undefined): string | undefined {
  if (publicUrl && isLoopbackUrl(publicUrl)) {
    return 'POLLEN_PUBLIC_URL names this machine (loopback): the iCal links on the wiki\'s Agenda page and the links in e-mails will not work for anyone else. Set the address people reach the gateway at, e.g. https://pollen.example.org';
  }
  return undefined;
}
