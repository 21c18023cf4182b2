package dev.mcpoauth.sample;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /tools}: the tools of the sample's own MCP endpoint, listed for the signed-in user with the MCP Java SDK
 * client and a token of that user's ({@code mcp.oauth.client.registrations.sample-mcp}, the authorization code flow).
 * The first time, the call needs the user's authorization: the starter sends the browser to the authorization
 * server (login, consent), back to the callback, then here again. A client is made per request, so that no MCP
 * session is shared between users. Everything on the page that came from the network is HTML-escaped.
 */
@RestController
@Profile("!external-idp")
class ToolsPage {

	static final String REGISTRATION = "sample-mcp";

	private final McpOAuthClients clients;

	ToolsPage(McpOAuthClients clients) {
		this.clients = clients;
	}

	@GetMapping(path = "/tools", produces = MediaType.TEXT_HTML_VALUE)
	String tools(Authentication user) {
		StringBuilder page = page("MCP tools", user).append("<ul id=\"tools\">");
		withClient((client) -> {
			for (Tool tool : client.listTools().tools()) {
				page.append("<li class=\"tool\"><b class=\"tool-name\">")
					.append(HtmlUtils.htmlEscape(tool.name()))
					.append("</b>: ")
					.append(HtmlUtils.htmlEscape((tool.description() != null) ? tool.description() : ""))
					.append("</li>");
			}
		});
		return page.append("</ul></body></html>").toString();
	}

	/**
	 * {@code GET /tools/admin-report}: calls the tool that also needs {@code mcp:admin}; a user who authorized only
	 * {@code mcp:tools} is sent to authorize the wider scope (the step-up after 403 {@code insufficient_scope}).
	 */
	@GetMapping(path = "/tools/admin-report", produces = MediaType.TEXT_HTML_VALUE)
	String adminReport(Authentication user) {
		StringBuilder page = page("admin-report", user).append("<pre id=\"result\">");
		withClient((client) -> {
			for (Content content : client.callTool(new CallToolRequest("admin-report", Map.of())).content()) {
				if (content instanceof TextContent text) {
					page.append(HtmlUtils.htmlEscape(text.text()));
				}
			}
		});
		return page.append("</pre></body></html>").toString();
	}

	private StringBuilder page(String title, Authentication user) {
		return new StringBuilder("<!DOCTYPE html><html><head><title>").append(HtmlUtils.htmlEscape(title))
			.append("</title></head><body><h1>")
			.append(HtmlUtils.htmlEscape(title + " at " + this.clients.authorization(REGISTRATION).serverUrl()))
			.append("</h1><p>Signed in as <span id=\"user\">")
			.append(HtmlUtils.htmlEscape(user.getName()))
			.append("</span></p>");
	}

	/** A new MCP client for this request, initialized, closed afterwards. */
	private void withClient(Consumer<McpSyncClient> use) {
		McpAuthorization authorization = this.clients.authorization(REGISTRATION);
		McpSdkTransportAuthorization sdk = new McpSdkTransportAuthorization(authorization, this.clients.maxStepUps());
		String serverUrl = authorization.serverUrl().toString();
		String path = authorization.serverUrl().getRawPath();
		HttpClientStreamableHttpTransport transport = sdk
			.applyTo(HttpClientStreamableHttpTransport.builder(serverUrl.substring(0, serverUrl.length() - path.length()))
				.endpoint(path))
			.build();
		McpSyncClient client = sdk.applyTo(McpClient.sync(transport)).requestTimeout(Duration.ofSeconds(20)).build();
		try {
			client.initialize();
			use.accept(client);
		}
		finally {
			client.close();
		}
	}

}
