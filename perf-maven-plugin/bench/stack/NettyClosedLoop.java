import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bench candidate (not shipped): a Netty 4.1 HTTP/1.1 closed loop, N keep-alive connections on one event loop, each
 * sending the next request when the last response ends. Usage: java -cp netty-jars NettyClosedLoop.java URL N SECS
 */
public class NettyClosedLoop {
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int conns = Integer.parseInt(args[1]);
    int secs = Integer.parseInt(args[2]);
    LongAdder done = new LongAdder();
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    String host = uri.getHost() + ":" + uri.getPort();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec()).addLast(new SimpleChannelInboundHandler<HttpObject>() {
              void send(ChannelHandlerContext ctx) {
                DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    uri.getRawPath());
                req.headers().set(HttpHeaderNames.HOST, host);
                ctx.writeAndFlush(req);
              }

              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                send(ctx);
              }

              @Override
              protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof LastHttpContent) {
                  done.increment();
                  send(ctx);
                }
              }
            });
          }
        });
    for (int i = 0; i < conns; i++) {
      b.connect(uri.getHost(), uri.getPort()).sync();
    }
    Thread.sleep(2000); // warm-up, excluded like the other candidates'
    long start = System.nanoTime();
    long before = done.sum();
    Thread.sleep(secs * 1000L);
    long n = done.sum() - before;
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf("netty %d connections %ds: %.0f req/s%n", conns, secs, n / elapsed);
    group.shutdownGracefully().sync();
  }
}
