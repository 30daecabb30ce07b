// Loupe's service worker: after the first visit the page opens with the network off.
//
// The post-build hook (scripts/post_build.py) writes this file into the built page with the list
// of the page's files, those whose names carry a content hash, and a version made from all their
// contents. Installing caches every file under that version, bypassing the HTTP cache so that no
// older copy slips in; a new build is a new version, whose activation deletes the old caches.
// The worker answers only same-origin GETs of the page's own files: hashed files from the cache
// (they never change), the others (the page itself, the parsing worker's files) from the network
// first, so a new build is used as soon as it is online, and from the cache when offline.
const VERSION = '__LOUPE_VERSION__';
const FILES = __LOUPE_FILES__;
const HASHED = new Set(__LOUPE_HASHED__);
const CACHE = `loupe-${VERSION}`;
const scope = new URL('./', self.location).href;

self.addEventListener('install', (event) => {
  const requests = ['./', ...FILES.map((f) => `./${f}`)].map((u) => new Request(u, { cache: 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
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
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.href.startsWith(scope)) return;
  const file = url.pathname.slice(new URL(scope).pathname.length);
  const cached = () => caches.open(CACHE).then((c) => c.match(request.mode === 'navigate' ? './' : request, { ignoreSearch: true }));
  if (HASHED.has(file)) {
    event.respondWith(cached().then((hit) => hit ?? fetch(request)));
  } else if (request.mode === 'navigate' || file === '' || FILES.includes(file)) {
    event.respondWith(fetch(request).catch(() => cached().then((hit) => hit ?? Response.error())));
  }
});
