package dev.mcpoauth.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The web authorization code flow in a real browser: Debian's {@code chromium}, driven headless by Selenium through
 * Debian's {@code chromium-driver} (never a downloaded one). The demo user opens the sample's {@code /tools}, is sent
 * to the login page of the embedded authorization server, signs in, approves at the consent page, and lands back on
 * {@code /tools}, which lists the sample's MCP tools; an altered answer at the callback shows the error page.
 * <p>
 * Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} ({@code apt-get install -y chromium
 * chromium-driver}; other paths with {@code -Dchromium.binary=...} and {@code -Dwebdriver.chrome.driver=...}). Without
 * them the test fails; it is skipped only when asked explicitly, with {@code -Dmcp.browser-tests.skip=true} or the
 * environment variable {@code MCP_SKIP_BROWSER_TESTS=true}.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class BrowserAuthorizationCodeTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	static WebDriver browser;

	static Path profile;

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		if (Boolean.getBoolean("mcp.browser-tests.skip") || "true".equals(System.getenv("MCP_SKIP_BROWSER_TESTS"))) {
			abort("Browser tests skipped on request (mcp.browser-tests.skip / MCP_SKIP_BROWSER_TESTS)");
		}
		Path chromium = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
		Path driver = Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
		if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
			fail("The browser test needs " + chromium + " and " + driver + ": install them with 'apt-get install -y "
					+ "chromium chromium-driver' (or set -Dchromium.binary and -Dwebdriver.chrome.driver); to skip it "
					+ "explicitly, set -Dmcp.browser-tests.skip=true");
		}
		System.setProperty("webdriver.chrome.driver", driver.toString());
		profile = Files.createTempDirectory("mcp-oauth-chromium");
		ChromeOptions options = new ChromeOptions().setBinary(chromium.toString())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.quit();
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile);
		}
	}

	@Test
	void userSignsInApprovesAndSeesTheToolsThenAnAlteredAnswerIsRefused() {
		WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
		wait.withMessage(() -> "at " + browser.getCurrentUrl() + ": " + browser.getPageSource());
		browser.get(BASE + "/tools");
		wait.until(ExpectedConditions.urlToBe(BASE + "/login"));
		browser.findElement(By.id("username")).sendKeys("demo");
		browser.findElement(By.id("password")).sendKeys("demo-password");
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait.until((driver) -> driver.getCurrentUrl().startsWith(BASE + "/oauth2/authorize")
				|| driver.getCurrentUrl().startsWith(BASE + "/tools"));
		if (browser.getCurrentUrl().startsWith(BASE + "/oauth2/authorize")) {
			assertThat(browser.getPageSource()).contains("sample-web");
			for (WebElement scope : browser.findElements(By.cssSelector("input[name=scope]"))) {
				if (!scope.isSelected()) {
					scope.click();
				}
			}
			browser.findElement(By.id("submit-consent")).click();
		}
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("tools")));
		assertThat(browser.getCurrentUrl()).startsWith(BASE + "/tools");
		List<String> tools = browser.findElements(By.className("tool-name")).stream().map(WebElement::getText).toList();
		assertThat(tools).containsExactlyInAnyOrder("whoami", "admin-report");
		assertThat(browser.findElement(By.id("user")).getText()).isEqualTo("demo");

		browser.get(BASE + "/login/oauth2/code/sample-mcp?code=stolen&state=altered&iss="
				+ BASE.replace(":", "%3A").replace("/", "%2F"));
		assertThat(browser.findElement(By.id("error")).getText()).isEqualTo("invalid_state");

		browser.get(BASE + "/tools");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("tools")));
		assertThat(browser.findElements(By.className("tool-name"))).as("the user's token is still used").hasSize(2);
	}

}
