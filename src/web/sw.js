// Loupe's service worker: after the first visit the page opens with the network off.
//
// The post-build hook (scripts/post_build.py) writes this file into the built page with the list
// of the page's files and a version made from their contents. Installing caches every file under
// that version; a new build is a new version, whose activation deletes the old caches. Requests
// never leave for anywhere but the page's own origin: the worker answers only same-origin GETs,
// the page's own files, from the cache (the page itself from the network first, so a new
// build is seen as soon as it is online).
const VERSION = '__LOUPE_VERSION__';
const FILES = __LOUPE_FILES__;
const CACHE = `loupe-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(['./', ...FILES.map((f) => `./${f}`)])).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('loupe-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() => caches.open(CACHE).then((c) => c.match('./'))),
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((c) => c.match(request, { ignoreSearch: true })).then((hit) => hit ?? fetch(request)),
  );
});
