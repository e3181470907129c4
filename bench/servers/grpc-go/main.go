// grpc-go serving the benchmark UserService's GetUser (the only method bench/attacks calls), for the attack bench's
// comparison. Built by bench/servers/grpc-go.mjs against Debian's grpc-go sources (GOPATH mode, no modules):
//
//	grpc-go-server -port N    prints "grpc-go listening on N", stops on SIGINT or SIGTERM
//
// The messages are written by hand with the struct tags that golang/protobuf 1.3's table-driven codec reads (the
// runtime Debian's grpc-go is built with), so grpc-go's own default "proto" codec marshals them; the service
// descriptor is written by hand too. Data as in bench/lib/data.mjs: 20,000 users, GetUser(id) returns user id,
// NOT_FOUND otherwise. Server options are grpc-go's defaults.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/golang/protobuf/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const userCount = 20000

type User struct {
	Id       int32    `protobuf:"varint,1,opt,name=id,proto3"`
	Username string   `protobuf:"bytes,2,opt,name=username,proto3"`
	Email    string   `protobuf:"bytes,3,opt,name=email,proto3"`
	Roles    []string `protobuf:"bytes,4,rep,name=roles,proto3"`
	Status   int32    `protobuf:"varint,5,opt,name=status,proto3"`
}

func (m *User) Reset()         { *m = User{} }
func (m *User) String() string { return proto.CompactTextString(m) }
func (*User) ProtoMessage()    {}

type GetUserRequest struct {
	Id int32 `protobuf:"varint,1,opt,name=id,proto3"`
}

func (m *GetUserRequest) Reset()         { *m = GetUserRequest{} }
func (m *GetUserRequest) String() string { return proto.CompactTextString(m) }
func (*GetUserRequest) ProtoMessage()    {}

type GetUserResponse struct {
	User *User `protobuf:"bytes,1,opt,name=user,proto3"`
}

func (m *GetUserResponse) Reset()         { *m = GetUserResponse{} }
func (m *GetUserResponse) String() string { return proto.CompactTextString(m) }
func (*GetUserResponse) ProtoMessage()    {}

type userServiceServer interface {
	GetUser(context.Context, *GetUserRequest) (*GetUserResponse, error)
}

type server struct{ users []*User }

func (s *server) GetUser(_ context.Context, req *GetUserRequest) (*GetUserResponse, error) {
	if req.Id < 1 || int(req.Id) > len(s.users) {
		return nil, status.Errorf(codes.NotFound, "User %d not found", req.Id)
	}
	return &GetUserResponse{User: s.users[req.Id-1]}, nil
}

func getUserHandler(srv interface{}, ctx context.Context, dec func(interface{}) error, interceptor grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(GetUserRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(userServiceServer).GetUser(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/userservice.UserService/GetUser"}
	return interceptor(ctx, in, info, func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(userServiceServer).GetUser(ctx, req.(*GetUserRequest))
	})
}

var serviceDesc = grpc.ServiceDesc{
	ServiceName: "userservice.UserService",
	HandlerType: (*userServiceServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "GetUser", Handler: getUserHandler}},
	Metadata:    "user_service.proto",
}

func main() {
	port := flag.Int("port", 50051, "port on 127.0.0.1")
	flag.Parse()
	users := make([]*User, userCount)
	for i := range users {
		roles := []string{"user"}
		if i%3 == 0 {
			roles = []string{"admin", "user"}
		}
		users[i] = &User{Id: int32(i + 1), Username: fmt.Sprintf("user_%d_lovelace", i+1), Email: fmt.Sprintf("user%d@example.com", i+1), Roles: roles, Status: int32(i % 3)}
	}
	lis, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := grpc.NewServer()
	s.RegisterService(&serviceDesc, &server{users: users})
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-signals
		s.Stop()
	}()
	fmt.Printf("grpc-go listening on %d\n", *port)
	if err := s.Serve(lis); err != nil && err != grpc.ErrServerStopped {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
