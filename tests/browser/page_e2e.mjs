// End to end: the technician's page in headless Debian Chromium, driven by playwright-core
// (pinned in package.json / package-lock.json; scripts/test runs `npm ci` here).
//
//   node tests/browser/page_e2e.mjs --binary build/shadematch --source . --out build/browser
//
// Starts `shadematch serve --port 0 --db TMP/clinic.db` itself, loads the page, uploads
// samples/scalp/photo.jpg and checks what the page shows against the JSON the page received (card
// and verdict, regions, measured colours, every session's ranked blends) and that the healed
// preview the answer names is shown (a decoded PNG); adds a client on the page, chooses a blend
// and saves it, and checks with `shadematch client show --json` that the history has it; drags
// the scalp region and checks that the page asked again with the new region and shows the new
// plan, then at phone width (390 px) checks that nothing overflows and saves a screenshot, and
// checks the plain-words errors (not an image, too large, no card). Stops the server with SIGTERM
// and checks it exits 0; then a server without --db: the page offers no saving.
// Exit 0 pass, 1 fail, 77 skipped (no Chromium or no playwright-core: ctest reports a skip).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const binary = args.binary;
const source = args.source;
const out = args.out;
const CHROMIUM = "/usr/bin/chromium";
if (!binary || !source || !out) {
  console.error("usage: node page_e2e.mjs --binary SHADEMATCH --source REPO --out DIR");
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.log("SKIP: " + CHROMIUM + " is not installed (scripts/test installs Debian's chromium)");
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  console.log("SKIP: playwright-core is not installed in tests/browser (run `npm ci` there; scripts/test does)");
  process.exit(77);
}
mkdirSync(out, { recursive: true });

// Generous: one plan of the sample takes about a second; a sanitizer build on a busy machine, 30.
const PLAN_TIMEOUT = 180_000;
const photo = path.join(source, "samples/scalp/photo.jpg");

function startServer(extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["serve", "--port", "0", "--palette", path.join(source, "palettes/house.yaml"), ...extra],
                        { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    const timer = setTimeout(() => reject(new Error("the server printed no URL in 60 s")), 60_000);
    child.stdout.on("data", (d) => {
      text += d;
      const m = text.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ child, url: m[0], stdout: () => text }); }
    });
    child.on("exit", (code) => reject(new Error("the server exited at start with " + code)));
  });
}

const dbDir = mkdtempSync(path.join(tmpdir(), "shadematch-e2e-db-"));
const db = path.join(dbDir, "clinic.db");
const server = await startServer(["--db", db]);
// Whatever happens below, the server started here is stopped with this process.
process.on("exit", () => { if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL"); });
const userData = mkdtempSync(path.join(tmpdir(), "shadematch-chromium-"));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(PLAN_TIMEOUT);
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  // Nothing but the server itself is ever asked for (the page is self-contained).
  const foreign = [];
  page.on("request", (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith("blob:")) foreign.push(r.url()); });

  await page.goto(server.url);
  await page.getByTestId("palette").filter({ hasText: "Example house palette" }).waitFor();

  // ---- upload → card, regions, colours and plan ----------------------------------------------
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/match"));
  answer.catch(() => {});
  await page.getByTestId("file").setInputFiles(photo);
  await page.getByTestId("progress").waitFor({ state: "visible" });  // progress is shown while it works
  const first = await (await answer).json();
  await page.getByTestId("session").first().waitFor();
  assert.equal(await page.getByTestId("session").count(), first.sessions.length);
  assert.equal(first.sessions.length, 3);
  assert.equal(await page.getByTestId("verdict").textContent(), first.calibration.verdict);
  assert.equal(first.calibration.verdict, "good");
  await page.getByTestId("card-outline").waitFor();
  await page.getByTestId("region-hair").waitFor();
  await page.getByTestId("region-scalp").waitFor();
  // Every session lists the JSON's blends in order, with recipe, ΔE00 and direction words.
  const sessionsShown = await page.getByTestId("session").evaluateAll((els) => els.map((e) => e.innerText));
  first.sessions.forEach((s, i) => {
    for (const b of s.blends) {
      assert.ok(sessionsShown[i].includes(b.recipe), "session " + s.session + " shows " + b.recipe);
      assert.ok(sessionsShown[i].includes("ΔE00 " + b.de00.toFixed(2)), "session " + s.session + " ΔE00 of " + b.recipe);
      assert.ok(sessionsShown[i].includes(b.direction), "session " + s.session + " direction of " + b.recipe);
    }
  });
  const colours = await page.getByTestId("colours").innerText();
  assert.ok(colours.includes("L* " + first.regions.scalp.lab[0].toFixed(1)), "the scalp's measured L* is shown");
  assert.ok(colours.includes(first.regions.hair.follicle_hex), "the follicle colour is shown");
  // The healed preview: the PNG the answer's header names, shown and decoded by the browser.
  const previewUrl = (await answer).headers()["x-shadematch-preview"];
  assert.match(previewUrl || "", /^\/api\/preview\/[0-9a-f]{32}$/, "the answer names its preview");
  await page.getByTestId("preview-image").waitFor();
  await page.waitForFunction(() => document.querySelector("[data-testid=preview-image]").complete);
  const shown = await page.getByTestId("preview-image").evaluate((img) => ({ src: img.getAttribute("src"), w: img.naturalWidth, h: img.naturalHeight }));
  assert.equal(shown.src, previewUrl);
  assert.ok(shown.w >= 600 && shown.h >= 150, "the preview decoded to a sensible picture: " + JSON.stringify(shown));
  await page.screenshot({ path: path.join(out, "desktop.png"), fullPage: true });

  // ---- the client history: add a client, choose a blend, save it ------------------------------
  await page.getByTestId("history").waitFor();
  await page.getByTestId("client").selectOption("+");
  await page.getByTestId("new-id").fill("e2e-1");
  await page.getByTestId("new-name").fill("Browser Test Client");
  const addAnswer = page.waitForResponse((r) => r.url().endsWith("/api/clients") && r.request().method() === "POST");
  addAnswer.catch(() => {});
  await page.getByTestId("add-client").click();
  assert.equal((await addAnswer).status(), 201);
  await page.waitForFunction(() => document.getElementById("client").value === "e2e-1");
  assert.equal(await page.getByTestId("session-no").inputValue(), "1", "a new client's next session is 1");
  // Session 1's first choice is offered; the technician takes its second instead.
  assert.equal(await page.getByTestId("chosen").textContent(), first.sessions[0].blends[0].recipe);
  const taken = first.sessions[0].blends[1].recipe;
  await page.getByTestId("session").first().getByTestId("blend").nth(1).getByTestId("use").click();
  assert.equal(await page.getByTestId("chosen").textContent(), taken);
  const saveAnswer = page.waitForResponse((r) => r.url().endsWith("/api/clients/e2e-1/sessions"));
  saveAnswer.catch(() => {});
  await page.getByTestId("save").click();
  const saved = await saveAnswer;
  assert.equal(saved.status(), 201, "saved: " + JSON.stringify(await saved.json()).slice(0, 300));
  await page.getByTestId("save-result").filter({ hasText: "Saved as session 1 of e2e-1" }).waitFor();
  // What the history holds, as `client show` reads it: the blend taken, on the colours measured.
  const shownHistory = JSON.parse(execFileSync(binary, ["client", "show", "e2e-1", "--db", db, "--json"], { encoding: "utf8" }));
  assert.equal(shownHistory.sessions.length, 1);
  assert.equal(shownHistory.sessions[0].recipe, taken);
  const round2 = (v) => Math.round(v * 100) / 100;
  assert.deepEqual(shownHistory.sessions[0].skin_lab, first.regions.scalp.lab.map(round2), "the skin is the scalp measured");
  assert.deepEqual(shownHistory.sessions[0].target_lab, first.regions.hair.follicle_lab.map(round2), "the target is the follicle colour");
  await page.waitForFunction(() => document.getElementById("session-no").value === "2");  // the next one

  // ---- drag the scalp region above the card (grey backdrop, not skin): asked again with the new
  // region, and the plan changes. (Onto the card itself would be refused: regions must not overlap it.)
  const planBefore = await page.getByTestId("plan").innerText();
  await page.evaluate(() => window.scrollTo(0, 0));  // saving scrolled down; the mouse works in the viewport
  await page.locator("#stage").scrollIntoViewIfNeeded();
  const scalpBox = await page.getByTestId("region-scalp").boundingBox();
  const imgBox = await page.locator("#photo").boundingBox();
  const natural = await page.evaluate(() => document.getElementById("photo").naturalWidth);
  const c = first.calibration.card.corners;
  const [, , sw, sh] = first.regions.scalp.rect;
  const drop = [c.reduce((a, p) => a + p[0], 0) / 4, Math.min(...c.map((p) => p[1])) / 2];  // photo pixels
  assert.ok(drop[1] - sh / 2 > 0 && drop[1] + sh / 2 < Math.min(...c.map((p) => p[1])), "the box fits above the card");
  const k = imgBox.width / natural;  // CSS px per photo px
  const againAnswer = page.waitForResponse((r) => r.url().endsWith("/api/match"));
  againAnswer.catch(() => {});  // a failure below closes the page; that rejection is not the error
  await page.mouse.move(scalpBox.x + scalpBox.width / 2, scalpBox.y + scalpBox.height / 2);
  await page.mouse.down();
  await page.mouse.move(imgBox.x + drop[0] * k, imgBox.y + drop[1] * k, { steps: 12 });
  await page.mouse.up();
  const againResponse = await againAnswer;
  const second = await againResponse.json();
  assert.equal(againResponse.status(), 200, "the moved region is planned: " + JSON.stringify(second).slice(0, 300));
  const [sx, sy, sw2, sh2] = second.regions.scalp.rect;
  assert.deepEqual([sw2, sh2], [sw, sh], "moved, not resized");
  // Measured where it was dropped: its centre within 2 % of the photo's width (the pointer's
  // CSS-pixel grid is about 3 photo px here; the page rounds to whole pixels).
  const slack = 0.02 * natural;
  assert.ok(Math.abs(sx + sw / 2 - drop[0]) < slack && Math.abs(sy + sh / 2 - drop[1]) < slack,
            "the scalp box was measured where it was dropped: " + second.regions.scalp.rect + " vs " + drop);
  assert.notDeepEqual(second.regions.scalp.lab, first.regions.scalp.lab, "the moved region measures another colour");
  await page.waitForFunction((before) => document.querySelector("[data-testid=plan]").innerText !== before, planBefore);
  assert.equal(second.sessions[0].blends[0].recipe.length > 0, true);
  const planAfter = await page.getByTestId("plan").innerText();
  assert.ok(planAfter.includes(second.sessions[0].blends[0].recipe), "the page shows the new plan");

  // ---- phone width: the whole plan fits 390 px, screenshot saved -----------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const phoneAnswer = page.waitForResponse((r) => r.url().endsWith("/api/match"));
  phoneAnswer.catch(() => {});
  await page.getByTestId("file").setInputFiles(photo);
  assert.equal((await phoneAnswer).status(), 200);
  await page.getByTestId("session").first().waitFor();
  const widths = await page.evaluate(() => ({
    viewport: window.innerWidth,
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    widest: Math.max(...[...document.querySelectorAll("body *")].map((e) => e.getBoundingClientRect().right)),
  }));
  console.log("phone width: " + JSON.stringify(widths));
  assert.equal(widths.viewport, 390);
  assert.ok(widths.document <= widths.viewport, "no horizontal scrolling at 390 px: document " + widths.document);
  assert.ok(widths.widest <= widths.viewport + 0.5, "no element reaches past 390 px: " + widths.widest);
  const phoneShot = path.join(out, "phone-390.png");
  await page.screenshot({ path: phoneShot, fullPage: true });
  console.log("phone screenshot: " + phoneShot);
  // Two screens of it at their real size (the full page is long): the photo, and the plan's start.
  await page.locator("#photo-box").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, "phone-390-photo.png") });
  await page.locator("#plan-box").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, "phone-390-plan.png") });

  // ---- errors in plain words ---------------------------------------------------------------------
  const notImage = page.waitForResponse((r) => r.url().endsWith("/api/match"));
  notImage.catch(() => {});
  await page.getByTestId("file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a photo\n") });
  assert.equal((await notImage).status(), 422);
  await page.getByTestId("error").filter({ hasText: "not a photo the page can read" }).waitFor();
  assert.ok((await page.getByTestId("error").innerText()).includes("Choose a JPEG, PNG, TIFF or HEIC photo"));

  // Too large: said before anything is sent (the page knows the server's limit).
  let sentLarge = false;
  const watch = (r) => { if (r.url().endsWith("/api/match")) sentLarge = true; };
  page.on("request", watch);
  await page.getByTestId("file").setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(41 * 1024 * 1024) });
  await page.getByTestId("error").filter({ hasText: "too large" }).waitFor();
  page.off("request", watch);
  assert.equal(sentLarge, false, "an oversize photo is refused by the page before uploading");

  // No card, and why.
  const noCard = page.waitForResponse((r) => r.url().endsWith("/api/match"));
  noCard.catch(() => {});
  await page.getByTestId("file").setInputFiles(path.join(source, "tests/data/images/cmyk_adobe.jpg"));
  assert.equal((await noCard).status(), 422);
  await page.getByTestId("error").filter({ hasText: "No usable colour card" }).waitFor();
  assert.ok((await page.getByTestId("error").innerText()).includes("No colour card was found in this photo"));

  assert.deepEqual(pageErrors, [], "no script errors");
  assert.deepEqual(foreign, [], "no request leaves the server");
  console.log("page_e2e: all checks passed");
} catch (e) {
  failed = true;
  console.error("page_e2e: FAILED: " + (e && e.stack ? e.stack : e));
} finally {
  if (context) await context.close();
  rmSync(userData, { recursive: true, force: true });
}

// ---- SIGTERM stops the server cleanly ------------------------------------------------------------
const code = await new Promise((resolve) => {
  server.child.removeAllListeners("exit");
  server.child.on("exit", (c, signal) => resolve(signal ? "signal " + signal : c));
  server.child.kill("SIGTERM");
});
if (code !== 0) {
  console.error("page_e2e: FAILED: the server exited with " + code + " on SIGTERM");
  failed = true;
}
rmSync(dbDir, { recursive: true, force: true });

// ---- without --db: a plan, and nothing offers to save it ----------------------------------------
if (!failed) {
  const plain = await startServer([]);
  const userData2 = mkdtempSync(path.join(tmpdir(), "shadematch-chromium-"));
  let context2;
  try {
    context2 = await chromium.launchPersistentContext(userData2, {
      executablePath: CHROMIUM, headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"], viewport: { width: 1280, height: 900 } });
    context2.setDefaultTimeout(PLAN_TIMEOUT);
    const page = context2.pages()[0] || await context2.newPage();
    await page.goto(plain.url);
    await page.getByTestId("palette").filter({ hasText: "Example house palette" }).waitFor();
    await page.getByTestId("file").setInputFiles(photo);
    await page.getByTestId("session").first().waitFor();
    assert.equal(await page.getByTestId("history").isHidden(), true, "no saving without --db");
    assert.equal(await page.getByTestId("use").count(), 0, "no blend offers to be used");
    console.log("page_e2e: without --db, nothing offers to save");
  } catch (e) {
    failed = true;
    console.error("page_e2e: FAILED (without --db): " + (e && e.stack ? e.stack : e));
  } finally {
    if (context2) await context2.close();
    rmSync(userData2, { recursive: true, force: true });
    plain.child.kill("SIGTERM");
  }
}
process.exit(failed ? 1 : 0);
